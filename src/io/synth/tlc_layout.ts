/**
 * The column layout of current TLC monthly files, for writing files that
 * look like the real ones: `tpep_`/`lpep_` timestamps in microseconds with no
 * zone, INT32 ids, INT64 counts and codes, DOUBLE money, each trip type in
 * its own column order.
 *
 * @module
 */
import type { SchemaElement } from "hyparquet";
import type { TripType } from "../../../schemas/raw_trip.ts";
import type { NumericField, RawTripBatch } from "../../domain/raw_trip_batch.ts";

/** One column of a TLC file and the canonical field it holds. */
export interface TlcColumn {
  /** Column name as TLC spells it. */
  name: string;
  /** Canonical field. */
  field: NumericField | "store_and_fwd_flag";
  /** Physical storage. */
  storage: "timestamp_us" | "int32" | "int64" | "double" | "string";
}

const YELLOW: readonly TlcColumn[] = [
  { name: "VendorID", field: "vendor_id", storage: "int32" },
  { name: "tpep_pickup_datetime", field: "pickup_ts", storage: "timestamp_us" },
  { name: "tpep_dropoff_datetime", field: "dropoff_ts", storage: "timestamp_us" },
  { name: "passenger_count", field: "passenger_count", storage: "int64" },
  { name: "trip_distance", field: "trip_distance", storage: "double" },
  { name: "RatecodeID", field: "ratecode_id", storage: "int64" },
  { name: "store_and_fwd_flag", field: "store_and_fwd_flag", storage: "string" },
  { name: "PULocationID", field: "pu_location_id", storage: "int32" },
  { name: "DOLocationID", field: "do_location_id", storage: "int32" },
  { name: "payment_type", field: "payment_type", storage: "int64" },
  { name: "fare_amount", field: "fare_amount", storage: "double" },
  { name: "extra", field: "extra", storage: "double" },
  { name: "mta_tax", field: "mta_tax", storage: "double" },
  { name: "tip_amount", field: "tip_amount", storage: "double" },
  { name: "tolls_amount", field: "tolls_amount", storage: "double" },
  { name: "improvement_surcharge", field: "improvement_surcharge", storage: "double" },
  { name: "total_amount", field: "total_amount", storage: "double" },
  { name: "congestion_surcharge", field: "congestion_surcharge", storage: "double" },
  { name: "Airport_fee", field: "airport_fee", storage: "double" },
];

const GREEN: readonly TlcColumn[] = [
  { name: "VendorID", field: "vendor_id", storage: "int32" },
  { name: "lpep_pickup_datetime", field: "pickup_ts", storage: "timestamp_us" },
  { name: "lpep_dropoff_datetime", field: "dropoff_ts", storage: "timestamp_us" },
  { name: "store_and_fwd_flag", field: "store_and_fwd_flag", storage: "string" },
  { name: "RatecodeID", field: "ratecode_id", storage: "int64" },
  { name: "PULocationID", field: "pu_location_id", storage: "int32" },
  { name: "DOLocationID", field: "do_location_id", storage: "int32" },
  { name: "passenger_count", field: "passenger_count", storage: "int64" },
  { name: "trip_distance", field: "trip_distance", storage: "double" },
  { name: "fare_amount", field: "fare_amount", storage: "double" },
  { name: "extra", field: "extra", storage: "double" },
  { name: "mta_tax", field: "mta_tax", storage: "double" },
  { name: "tip_amount", field: "tip_amount", storage: "double" },
  { name: "tolls_amount", field: "tolls_amount", storage: "double" },
  { name: "ehail_fee", field: "ehail_fee", storage: "double" },
  { name: "improvement_surcharge", field: "improvement_surcharge", storage: "double" },
  { name: "total_amount", field: "total_amount", storage: "double" },
  { name: "payment_type", field: "payment_type", storage: "int64" },
  { name: "trip_type", field: "trip_type_code", storage: "int64" },
  { name: "congestion_surcharge", field: "congestion_surcharge", storage: "double" },
];

const CBD: TlcColumn = {
  name: "cbd_congestion_fee",
  field: "cbd_congestion_fee",
  storage: "double",
};

/**
 * The TLC columns of a trip type and period: `cbd_congestion_fee` exists from
 * 2025-01, the month the congestion charge began.
 *
 * @param tripType Yellow or green.
 * @param period `YYYY-MM`.
 * @returns The columns in TLC order.
 *
 * @example
 * ```ts
 * import { tlcColumns } from "./tlc_layout.ts";
 * import assert from "node:assert";
 * assert.equal(tlcColumns("yellow", "2025-02").at(-1)?.name, "cbd_congestion_fee");
 * assert.equal(tlcColumns("green", "2024-01")[1]?.name, "lpep_pickup_datetime");
 * ```
 */
export function tlcColumns(tripType: TripType, period: string): TlcColumn[] {
  const base = tripType === "yellow" ? YELLOW : GREEN;
  return period >= "2025-01" ? [...base, CBD] : [...base];
}

/**
 * The Parquet schema of `columns` (every column OPTIONAL, as TLC writes).
 *
 * @param columns From {@linkcode tlcColumns}.
 * @returns Schema elements, root first.
 *
 * @example
 * ```ts
 * import { tlcColumns, tlcSchema } from "./tlc_layout.ts";
 * import assert from "node:assert";
 * const schema = tlcSchema(tlcColumns("green", "2024-01"));
 * assert.equal(schema[0]?.num_children, 20);
 * ```
 */
export function tlcSchema(columns: readonly TlcColumn[]): SchemaElement[] {
  const root: SchemaElement = { name: "schema", num_children: columns.length };
  return [
    root,
    ...columns.map((column): SchemaElement => {
      const element: SchemaElement = { name: column.name, repetition_type: "OPTIONAL" };
      switch (column.storage) {
        case "timestamp_us":
          return {
            ...element,
            type: "INT64",
            logical_type: { type: "TIMESTAMP", isAdjustedToUTC: false, unit: "MICROS" },
          };
        case "int32":
          return { ...element, type: "INT32" };
        case "int64":
          return { ...element, type: "INT64" };
        case "double":
          return { ...element, type: "DOUBLE" };
        case "string":
          return { ...element, type: "BYTE_ARRAY", converted_type: "UTF8" };
      }
    }),
  ];
}

/**
 * The values of one column of a batch in the shape hyparquet-writer expects
 * for its storage (nulls for `NaN`, bigints for INT64, microseconds for
 * timestamps).
 *
 * @param batch Rows to write.
 * @param column The column.
 * @returns One value per row.
 *
 * @example
 * ```ts
 * import { batchFromRows } from "../../domain/raw_trip_batch.ts";
 * import { columnValues } from "./tlc_layout.ts";
 * import assert from "node:assert";
 * const batch = batchFromRows([], { tripType: "green", sourceFile: "x" });
 * assert.deepEqual(columnValues(batch, { name: "trip_type", field: "trip_type_code", storage: "int64" }), []);
 * ```
 */
export function columnValues(
  batch: RawTripBatch,
  column: TlcColumn,
): unknown[] | Float64Array | Int32Array {
  if (column.field === "store_and_fwd_flag") return batch.storeAndFwdFlag.slice(0, batch.length);
  const source = batch.numeric[column.field].subarray(0, batch.length);
  // Columns without nulls go to the writer as typed arrays: no boxed value per row.
  const dense = !source.some(Number.isNaN);
  if (dense && column.storage === "double") return source.slice();
  if (dense && column.storage === "int32") return Int32Array.from(source);
  const out: unknown[] = new Array(batch.length);
  for (let i = 0; i < batch.length; i++) {
    const value = source[i]!;
    if (Number.isNaN(value)) out[i] = null;
    else if (column.storage === "int64") out[i] = BigInt(value);
    else if (column.storage === "timestamp_us") out[i] = value * 1000;
    else out[i] = value;
  }
  return out;
}
