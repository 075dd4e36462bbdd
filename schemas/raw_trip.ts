/**
 * The canonical raw trip row: what every TLC Parquet vintage is mapped to
 * before curation (contract section 1.1).
 *
 * Timestamps are New York wall-clock times with no zone. They are carried as
 * "naive epoch milliseconds": the wall-clock reading interpreted as if it were
 * UTC, so that no machine zone ever shifts them.
 *
 * @module
 */
import { z } from "zod";

/** The taxi services whose monthly files ChillFlow reads. */
export type TripType = "yellow" | "green";

/** Every trip type, in canonical order. */
export const TRIP_TYPES: readonly TripType[] = ["yellow", "green"];

/**
 * One trip as read from a TLC file, before curation. Field order is the
 * canonical order used by `trip_key` and by the `trips` table.
 *
 * @example Build a row by hand
 * ```ts
 * import type { RawTrip } from "./raw_trip.ts";
 * const row: RawTrip = {
 *   trip_type: "green", vendor_id: 2, pickup_ts: Date.UTC(2024, 0, 1, 0, 57, 55),
 *   dropoff_ts: Date.UTC(2024, 0, 1, 1, 17, 43), passenger_count: 1, trip_distance: 2.58,
 *   ratecode_id: 1, store_and_fwd_flag: "N", pu_location_id: 236, do_location_id: 239,
 *   payment_type: 2, fare_amount: 12.8, extra: 1, mta_tax: 0.5, tip_amount: 0,
 *   tolls_amount: 0, improvement_surcharge: 1, total_amount: 17.05,
 *   congestion_surcharge: 2.75, airport_fee: null, cbd_congestion_fee: null,
 *   ehail_fee: null, trip_type_code: 1,
 * };
 * ```
 */
export interface RawTrip {
  trip_type: TripType;
  vendor_id: number | null;
  /** Pickup, naive epoch milliseconds (New York wall clock read as UTC). */
  pickup_ts: number | null;
  /** Dropoff, naive epoch milliseconds (New York wall clock read as UTC). */
  dropoff_ts: number | null;
  passenger_count: number | null;
  /** Miles, as reported by the taximeter. */
  trip_distance: number | null;
  ratecode_id: number | null;
  store_and_fwd_flag: string | null;
  pu_location_id: number | null;
  do_location_id: number | null;
  payment_type: number | null;
  fare_amount: number | null;
  extra: number | null;
  mta_tax: number | null;
  tip_amount: number | null;
  tolls_amount: number | null;
  improvement_surcharge: number | null;
  total_amount: number | null;
  congestion_surcharge: number | null;
  airport_fee: number | null;
  cbd_congestion_fee: number | null;
  ehail_fee: number | null;
  /** Green's `trip_type`: 1 street-hail, 2 dispatch. */
  trip_type_code: number | null;
}

/** Names of the {@linkcode RawTrip} fields, in canonical order. */
export const RAW_TRIP_FIELDS: readonly (keyof RawTrip)[] = [
  "trip_type",
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

/** The money fields of a {@linkcode RawTrip}, stored as `numeric(12,2)`. */
export const MONEY_FIELDS: readonly (keyof RawTrip)[] = [
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
];

const nullableNumber = z.number().nullable();

/**
 * Zod schema of {@linkcode RawTrip}.
 *
 * @example Validate a row
 * ```ts
 * import { rawTripSchema } from "./raw_trip.ts";
 * import assert from "node:assert";
 * assert.throws(() => rawTripSchema.parse({ trip_type: "purple" }));
 * ```
 */
export const rawTripSchema: z.ZodType<RawTrip> = z.object({
  trip_type: z.enum(["yellow", "green"]),
  vendor_id: nullableNumber,
  pickup_ts: nullableNumber,
  dropoff_ts: nullableNumber,
  passenger_count: nullableNumber,
  trip_distance: nullableNumber,
  ratecode_id: nullableNumber,
  store_and_fwd_flag: z.string().nullable(),
  pu_location_id: nullableNumber,
  do_location_id: nullableNumber,
  payment_type: nullableNumber,
  fare_amount: nullableNumber,
  extra: nullableNumber,
  mta_tax: nullableNumber,
  tip_amount: nullableNumber,
  tolls_amount: nullableNumber,
  improvement_surcharge: nullableNumber,
  total_amount: nullableNumber,
  congestion_surcharge: nullableNumber,
  airport_fee: nullableNumber,
  cbd_congestion_fee: nullableNumber,
  ehail_fee: nullableNumber,
  trip_type_code: nullableNumber,
});
