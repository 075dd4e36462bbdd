/**
 * Writes small Parquet files with hyparquet-writer, for reader tests that need
 * the schema drift real TLC vintages show (timestamp units, INT96, DOUBLE
 * counts, all-null INT32 fees, renamed or missing columns, row groups).
 *
 * @module
 */
import type { SchemaElement } from "hyparquet";
import { ByteWriter, ParquetWriter } from "hyparquet-writer";

/** One column of a fixture file. */
export interface FixtureColumn {
  name: string;
  /** Physical type and annotations; every column is OPTIONAL. */
  element: Omit<SchemaElement, "name">;
  /** One value per row; `null` is a null. INT64 values are bigints. */
  data: unknown[];
}

/** Options of {@linkcode writeFixture}. */
export interface WriteFixtureOptions {
  /** Rows per row group (default: all rows in one group). */
  rowGroupSize?: number;
  /** Bytes of values per page, about (default: hyparquet-writer's 1 MiB). */
  pageSize?: number;
}

/** Timestamp element for a unit, with no zone (`isAdjustedToUTC=false`). */
export function timestampElement(unit: "MILLIS" | "MICROS" | "NANOS"): Omit<SchemaElement, "name"> {
  return { type: "INT64", logical_type: { type: "TIMESTAMP", isAdjustedToUTC: false, unit } };
}

/**
 * INT96 is not writable by hyparquet-writer, but its PLAIN encoding is the
 * same 12 bytes as FIXED_LEN_BYTE_ARRAY(12): write that, then relabel the
 * column INT96 in the footer before it is written.
 */
export const INT96: Omit<SchemaElement, "name"> = { type: "INT96" };

/** The 12 INT96 bytes (nanoseconds of the day, then Julian day, little-endian) of naive ms. */
export function int96Bytes(ms: number): Uint8Array {
  const days = Math.floor(ms / 86_400_000);
  const nanos = BigInt(ms - days * 86_400_000) * 1_000_000n;
  const bytes = new Uint8Array(12);
  const view = new DataView(bytes.buffer);
  view.setBigUint64(0, nanos, true);
  view.setUint32(8, days + 2_440_588, true);
  return bytes;
}

/** Encodes `columns` as a Parquet file's bytes. */
export function fixtureBytes(
  columns: FixtureColumn[],
  options: WriteFixtureOptions = {},
): Uint8Array {
  const rows = columns[0]?.data.length ?? 0;
  const schema: SchemaElement[] = [
    { name: "schema", num_children: columns.length },
    ...columns.map((column): SchemaElement => ({
      name: column.name,
      repetition_type: "OPTIONAL",
      ...(column.element.type === "INT96"
        ? { type: "FIXED_LEN_BYTE_ARRAY", type_length: 12 }
        : column.element),
    })),
  ];
  const sink = new ByteWriter();
  const writer = new ParquetWriter({ writer: sink, schema, statistics: false });
  writer.write({
    columnData: columns.map((column) => ({
      name: column.name,
      data: column.data as never,
      ...(column.element.type === "INT96" ? { encoding: "PLAIN" as const } : {}),
    })),
    rowGroupSize: options.rowGroupSize ?? Math.max(rows, 1),
    ...(options.pageSize === undefined ? {} : { pageSize: options.pageSize }),
  });
  columns.forEach((column, i) => {
    if (column.element.type !== "INT96") return;
    schema[i + 1] = { name: column.name, repetition_type: "OPTIONAL", type: "INT96" };
    for (const group of writer.row_groups) group.columns[i]!.meta_data!.type = "INT96";
  });
  writer.finish();
  return sink.getBytes();
}

/** Writes `columns` to `path` as a Parquet file. */
export async function writeFixture(
  path: string,
  columns: FixtureColumn[],
  options: WriteFixtureOptions = {},
): Promise<void> {
  await Deno.writeFile(path, fixtureBytes(columns, options));
}

/** Options of {@linkcode taxiColumns}. */
export interface TaxiColumnsOptions {
  /** `tpep` (yellow) or `lpep` (green). */
  prefix?: "tpep" | "lpep";
  /** Timestamp unit, or INT96. */
  unit?: "MILLIS" | "MICROS" | "NANOS" | "INT96";
}

/** First pickup of {@linkcode taxiColumns}: 2024-01-01 00:00:00 naive. */
export const FIXTURE_START_MS: number = Date.UTC(2024, 0, 1);

/**
 * A minimal TLC-like file of `rows` rows in the current layout: pickup i is
 * `FIXTURE_START_MS + i minutes`, trips last 10 minutes, PU zone `1 + i % 265`,
 * passenger_count INT64 (null on every 10th row), total_amount `10 + i / 100`.
 */
export function taxiColumns(rows: number, options: TaxiColumnsOptions = {}): FixtureColumn[] {
  const prefix = options.prefix ?? "tpep";
  const unit = options.unit ?? "MICROS";
  const index = Array.from({ length: rows }, (_, i) => i);
  const stamp = (ms: number): unknown =>
    unit === "INT96"
      ? int96Bytes(ms)
      : BigInt(ms) * (unit === "NANOS" ? 1_000_000n : unit === "MICROS" ? 1_000n : 1n);
  const element = unit === "INT96" ? INT96 : timestampElement(unit);
  return [
    { name: "VendorID", element: { type: "INT32" }, data: index.map(() => 2) },
    {
      name: `${prefix}_pickup_datetime`,
      element,
      data: index.map((i) => stamp(FIXTURE_START_MS + i * 60_000)),
    },
    {
      name: `${prefix}_dropoff_datetime`,
      element,
      data: index.map((i) => stamp(FIXTURE_START_MS + i * 60_000 + 600_000)),
    },
    {
      name: "passenger_count",
      element: { type: "INT64" },
      data: index.map((i) => (i % 10 === 9 ? null : BigInt(1 + (i % 3)))),
    },
    { name: "trip_distance", element: { type: "DOUBLE" }, data: index.map((i) => 1 + i / 10) },
    {
      name: "store_and_fwd_flag",
      element: { type: "BYTE_ARRAY", converted_type: "UTF8" },
      data: index.map((i) => (i % 10 === 9 ? null : "N")),
    },
    { name: "PULocationID", element: { type: "INT32" }, data: index.map((i) => 1 + (i % 265)) },
    { name: "DOLocationID", element: { type: "INT32" }, data: index.map(() => 42) },
    { name: "total_amount", element: { type: "DOUBLE" }, data: index.map((i) => 10 + i / 100) },
  ];
}

/**
 * {@linkcode taxiColumns} of 3 yellow rows whose row 1 is picked up at
 * `pickupMs` (dropped off 10 minutes later) and, unless null, costs `total`.
 */
export function taxiColumnsWithRow1(pickupMs: number, total: number | null): FixtureColumn[] {
  return taxiColumns(3).map((column) => {
    const at = (ms: number) => column.data.map((v, i) => i === 1 ? BigInt(ms) * 1000n : v);
    if (column.name === "tpep_pickup_datetime") return { ...column, data: at(pickupMs) };
    if (column.name === "tpep_dropoff_datetime") {
      return { ...column, data: at(pickupMs + 600_000) };
    }
    if (column.name === "total_amount" && total !== null) {
      return { ...column, data: column.data.map((v, i) => i === 1 ? total : v) };
    }
    return column;
  });
}
