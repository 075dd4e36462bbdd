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
/** @internal zod's types are zod's to document, not ours (denoland/deno#27364). */
import { z } from "zod";

/** The taxi services whose monthly files ChillFlow reads. */
export type TripType = "yellow" | "green";

/**
 * Every trip type, in canonical order.
 *
 * @example
 * ```ts
 * import { TRIP_TYPES } from "./raw_trip.ts";
 * import assert from "node:assert";
 * assert.deepEqual(TRIP_TYPES, ["yellow", "green"]);
 * ```
 */
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
  /** Service of the file: from its `tpep_` / `lpep_` columns or its name, unless overridden. */
  trip_type: TripType;
  /** TLC code of the technology provider that sent the record (`VendorID`); any is accepted. */
  vendor_id: number | null;
  /** Pickup, naive epoch milliseconds (New York wall clock read as UTC). */
  pickup_ts: number | null;
  /** Dropoff, naive epoch milliseconds (New York wall clock read as UTC). */
  dropoff_ts: number | null;
  /** Passengers, as entered by the driver; null and 0 are accepted, below 0 or above 9 rejected. */
  passenger_count: number | null;
  /** Miles, as reported by the taximeter. */
  trip_distance: number | null;
  /** Final rate code: 1 standard, 2 JFK, 3 Newark, 4 Nassau/Westchester, 5 negotiated, 6 group. */
  ratecode_id: number | null;
  /** `Y` when the vehicle held the record before sending it (no server connection), else `N`. */
  store_and_fwd_flag: string | null;
  /** Pickup taxi zone (`PULocationID`); null or outside 1..265 is rejected as `unknown_zone`. */
  pu_location_id: number | null;
  /** Dropoff taxi zone (`DOLocationID`); null or outside 1..265 is rejected as `unknown_zone`. */
  do_location_id: number | null;
  /** How the trip was paid (TLC code: 1 credit card, 2 cash, 3 no charge, 4 dispute, ...). */
  payment_type: number | null;
  /** Time-and-distance meter fare, USD; null is accepted, below 0 rejected. */
  fare_amount: number | null;
  /** Extras and surcharges such as the rush-hour and overnight charges, USD. */
  extra: number | null;
  /** MTA tax triggered by the metered rate in use, USD. */
  mta_tax: number | null;
  /** Tip, USD: card tips only, cash tips are not recorded. */
  tip_amount: number | null;
  /** Tolls paid during the trip, USD. */
  tolls_amount: number | null;
  /** Improvement surcharge levied at the flag drop, USD. */
  improvement_surcharge: number | null;
  /** Total charged to the passenger, USD, cash tips excluded; null, < 0 or > 1000 is rejected. */
  total_amount: number | null;
  /** New York State congestion surcharge, USD. */
  congestion_surcharge: number | null;
  /** Fee on pickups at LaGuardia and JFK, USD; null in green files, which lack the column. */
  airport_fee: number | null;
  /** MTA Congestion Relief Zone toll, USD; null in files before 2025, which lack the column. */
  cbd_congestion_fee: number | null;
  /** E-hail fee, USD; null in yellow files, which lack the column. */
  ehail_fee: number | null;
  /** Green's `trip_type`: 1 street-hail, 2 dispatch. */
  trip_type_code: number | null;
}

/**
 * Names of the {@linkcode RawTrip} fields, in canonical order: the order of
 * the `trip_key`'s canonical text.
 *
 * @example
 * ```ts
 * import { RAW_TRIP_FIELDS } from "./raw_trip.ts";
 * import assert from "node:assert";
 * assert.equal(RAW_TRIP_FIELDS.length, 23);
 * assert.deepEqual(RAW_TRIP_FIELDS.slice(0, 3), ["trip_type", "vendor_id", "pickup_ts"]);
 * ```
 */
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

/**
 * The money fields of a {@linkcode RawTrip}, stored as `numeric(12,2)`.
 *
 * @example
 * ```ts
 * import { MONEY_FIELDS } from "./raw_trip.ts";
 * import assert from "node:assert";
 * assert.ok(MONEY_FIELDS.includes("total_amount"));
 * assert.ok(!MONEY_FIELDS.includes("trip_distance"));
 * ```
 */
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
