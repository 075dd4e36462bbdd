/**
 * Maps the columns of any TLC Parquet vintage to the canonical raw row by
 * name (case-insensitive), never by position, and checks their types.
 *
 * @module
 */
import type { SchemaElement } from "hyparquet";
import type { TripType } from "../../../schemas/raw_trip.ts";
import type { NumericField } from "../../domain/raw_trip_batch.ts";
import { ChillFlowError } from "../../errors.ts";

/** A canonical field the reader fills from a file column. */
export type TripColumnField = NumericField | "store_and_fwd_flag";

/** How a file column is decoded. */
export type ColumnKind = "timestamp" | "number" | "string";

/** One file column that feeds a canonical field. */
export interface SourceColumn {
  /** The column name as spelled in the file. */
  name: string;
  /** The canonical field it fills. */
  field: TripColumnField;
  /** How its values are decoded. */
  kind: ColumnKind;
}

/** The result of {@linkcode mapTripColumns}. */
export interface TripColumnMap {
  /** The trip type of every row. */
  tripType: TripType;
  /** The file columns that feed canonical fields, in canonical field order. */
  columns: SourceColumn[];
  /** Canonical fields with no column in the file (read as null). */
  missing: TripColumnField[];
}

/** Options of {@linkcode mapTripColumns}. */
export interface MapTripColumnsOptions {
  /** Base name of the file, for messages and the trip type fallback. */
  fileName: string;
  /**
   * The trip type, for a file whose columns and name do not tell; one that
   * contradicts them is refused (`CF_USAGE`).
   */
  tripType?: TripType;
}

const TIMESTAMP_PATTERN = /^(tpep|lpep)_(pickup|dropoff)_datetime$/;

const FIELD_BY_NAME: Readonly<Record<string, TripColumnField>> = {
  vendorid: "vendor_id",
  passenger_count: "passenger_count",
  trip_distance: "trip_distance",
  ratecodeid: "ratecode_id",
  store_and_fwd_flag: "store_and_fwd_flag",
  pulocationid: "pu_location_id",
  dolocationid: "do_location_id",
  payment_type: "payment_type",
  fare_amount: "fare_amount",
  extra: "extra",
  mta_tax: "mta_tax",
  tip_amount: "tip_amount",
  tolls_amount: "tolls_amount",
  improvement_surcharge: "improvement_surcharge",
  total_amount: "total_amount",
  congestion_surcharge: "congestion_surcharge",
  airport_fee: "airport_fee",
  cbd_congestion_fee: "cbd_congestion_fee",
  ehail_fee: "ehail_fee",
  trip_type: "trip_type_code",
};

/** Every field the reader can fill, in canonical order. */
export const TRIP_COLUMN_FIELDS: readonly TripColumnField[] = [
  "vendor_id",
  "pickup_ts",
  "dropoff_ts",
  "passenger_count",
  "trip_distance",
  "ratecode_id",
  "store_and_fwd_flag",
  "pu_location_id",
  "do_location_id",
  "payment_type",
  "fare_amount",
  "extra",
  "mta_tax",
  "tip_amount",
  "tolls_amount",
  "improvement_surcharge",
  "total_amount",
  "congestion_surcharge",
  "airport_fee",
  "cbd_congestion_fee",
  "ehail_fee",
  "trip_type_code",
];

/**
 * Resolves which file column fills each canonical field and the file's trip
 * type (option, else `tpep_`/`lpep_` columns, else the file name).
 *
 * @param topLevel The file's top-level schema elements (no root).
 * @param options File name and optional trip type override.
 * @returns The column map.
 * @throws {ChillFlowError} `CF_PARQUET_SCHEMA` when timestamps are missing, a
 * column has an unusable type, two columns map to one field, or the trip type
 * cannot be told.
 *
 * @example Map a yellow 2025 layout
 * ```ts
 * import { mapTripColumns } from "./column_map.ts";
 * import assert from "node:assert";
 * const ts = { type: "INT64", logical_type: { type: "TIMESTAMP", isAdjustedToUTC: false, unit: "MICROS" } } as const;
 * const map = mapTripColumns([
 *   { name: "tpep_pickup_datetime", ...ts }, { name: "tpep_dropoff_datetime", ...ts },
 *   { name: "Airport_fee", type: "DOUBLE" },
 * ], { fileName: "sample.parquet" });
 * assert.equal(map.tripType, "yellow");
 * assert.ok(map.columns.some((c) => c.name === "Airport_fee" && c.field === "airport_fee"));
 * assert.ok(map.missing.includes("ehail_fee"));
 * ```
 */
export function mapTripColumns(
  topLevel: readonly (SchemaElement & { num_children?: number })[],
  options: MapTripColumnsOptions,
): TripColumnMap {
  const file = options.fileName;
  const byField = new Map<TripColumnField, SourceColumn>();
  const prefixes = new Set<string>();
  for (const element of topLevel) {
    const lower = element.name.toLowerCase();
    const stamp = TIMESTAMP_PATTERN.exec(lower);
    let field: TripColumnField | undefined = FIELD_BY_NAME[lower];
    if (stamp) {
      prefixes.add(stamp[1]!);
      field = stamp[2] === "pickup" ? "pickup_ts" : "dropoff_ts";
    }
    if (!field) continue;
    const previous = byField.get(field);
    if (previous && !stamp) {
      throw _schemaError(
        file,
        `columns "${previous.name}" and "${element.name}" both map to ${field}`,
      );
    }
    const kind = _kindOf(element, field, file);
    // With both prefixes present, the one matching the trip type wins below.
    if (!previous || stamp) byField.set(field, { name: element.name, field, kind });
  }
  const found = _typeFromPrefixes(prefixes) ?? _typeFromName(file);
  if (options.tripType !== undefined && found !== undefined && options.tripType !== found) {
    // A load replaces its month of its trip type: a green file read as yellow
    // would delete the yellow month.
    const says = prefixes.size === 1 ? `its ${[...prefixes][0]}_ columns say` : "its name says";
    throw new ChillFlowError(
      "CF_USAGE",
      `Cannot read "${file}" as ${options.tripType} trips: ${says} ${found} ` +
        "(give no trip type, or the one the file has)",
    );
  }
  const tripType = options.tripType ?? found;
  if (!tripType) {
    throw _schemaError(file, "cannot tell yellow from green; pass the trip type explicitly");
  }
  if (prefixes.size > 1) _preferPrefix(byField, topLevel, tripType === "yellow" ? "tpep" : "lpep");
  if (!byField.has("pickup_ts") || !byField.has("dropoff_ts")) {
    throw _schemaError(
      file,
      "no pickup/dropoff columns (expected tpep_ or lpep_ pickup_datetime and dropoff_datetime)",
    );
  }
  const columns: SourceColumn[] = [];
  const missing: TripColumnField[] = [];
  for (const field of TRIP_COLUMN_FIELDS) {
    const column = byField.get(field);
    if (column) columns.push(column);
    else missing.push(field);
  }
  return { tripType, columns, missing };
}

function _kindOf(
  element: SchemaElement & { num_children?: number },
  field: TripColumnField,
  file: string,
): ColumnKind {
  const { type, converted_type: converted, logical_type: logical } = element;
  const described = `column "${element.name}" has type "${_describe(element)}"`;
  if (element.num_children) throw _schemaError(file, `${described}, expected a flat column`);
  if (field === "store_and_fwd_flag") return "string";
  if (field === "pickup_ts" || field === "dropoff_ts") {
    const isTimestamp = type === "INT96" ||
      (type === "INT64" &&
        (converted === "TIMESTAMP_MILLIS" || converted === "TIMESTAMP_MICROS" ||
          logical?.type === "TIMESTAMP"));
    if (!isTimestamp) throw _schemaError(file, `${described}, expected a timestamp`);
    return "timestamp";
  }
  const isNumber = converted === "DECIMAL" ||
    ((type === "INT32" || type === "INT64" || type === "FLOAT" || type === "DOUBLE") &&
      logical?.type !== "TIMESTAMP" && !converted?.startsWith("TIMESTAMP") && converted !== "DATE");
  if (!isNumber) throw _schemaError(file, `${described}, expected a number`);
  return "number";
}

function _describe(element: SchemaElement): string {
  const annotation = element.logical_type?.type ?? element.converted_type;
  return annotation ? `${element.type ?? "group"} ${annotation}` : `${element.type ?? "group"}`;
}

function _typeFromPrefixes(prefixes: Set<string>): TripType | undefined {
  if (prefixes.size !== 1) return undefined;
  return prefixes.has("tpep") ? "yellow" : "green";
}

function _typeFromName(file: string): TripType | undefined {
  const match = /^(yellow|green)_/i.exec(file);
  return match ? match[1]!.toLowerCase() as TripType : undefined;
}

function _preferPrefix(
  byField: Map<TripColumnField, SourceColumn>,
  topLevel: readonly SchemaElement[],
  prefix: string,
): void {
  for (const element of topLevel) {
    const stamp = TIMESTAMP_PATTERN.exec(element.name.toLowerCase());
    if (stamp?.[1] !== prefix) continue;
    const field = stamp[2] === "pickup" ? "pickup_ts" : "dropoff_ts";
    byField.set(field, { name: element.name, field, kind: "timestamp" });
  }
}

function _schemaError(file: string, detail: string): ChillFlowError {
  return new ChillFlowError("CF_PARQUET_SCHEMA", `Cannot read "${file}": ${detail}`);
}
