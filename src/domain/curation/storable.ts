/**
 * What the `trips` and `rejected_trips` columns can hold. No curation reason
 * covers these limits, and TLC's files never reach them; a row past one is
 * refused where it is written (the batch load fails with one line naming it,
 * the assembler dead-letters the trip), since the server would otherwise fail
 * the whole COPY, and a stream's round again at every restart.
 *
 * @module
 */
import { MONEY_FIELDS } from "../../../schemas/raw_trip.ts";
import type { NumericField, RawTripBatch } from "../raw_trip_batch.ts";

const INT_FIELDS = ["vendor_id", "ratecode_id", "payment_type", "trip_type_code"] as const;
const INT4_MAX = 2_147_483_647;
/** `numeric(12,2)` holds magnitudes below 10^10 (after rounding to cents). */
const MONEY_LIMIT = 9_999_999_999.995;
/** 0001-01-01 and the last millisecond of 9999: the years the COPY text writes as PostgreSQL reads them. */
const FIRST_MS = -62_135_596_800_000;
const LAST_MS = 253_402_300_799_999;

/**
 * Why row `i` of a batch cannot be stored as it is, or undefined: a code that
 * is not a 32-bit integer, money beyond `numeric(12,2)`, a timestamp outside
 * the years 1 to 9999, or a `store_and_fwd_flag` PostgreSQL text cannot hold
 * ({@linkcode unstorableFlag}).
 *
 * @example
 * ```ts
 * import { batchFromRows } from "../raw_trip_batch.ts";
 * import { unstorableField } from "./storable.ts";
 * import assert from "node:assert";
 * const row = {
 *   trip_type: "green", vendor_id: 2, pickup_ts: Date.UTC(2024, 0, 1, 0, 57, 55),
 *   dropoff_ts: Date.UTC(2024, 0, 1, 1, 17, 43), passenger_count: 1, trip_distance: 2.58,
 *   ratecode_id: 1, store_and_fwd_flag: "N", pu_location_id: 236, do_location_id: 239,
 *   payment_type: 2, fare_amount: 12.8, extra: 1, mta_tax: 0.5, tip_amount: 0, tolls_amount: 0,
 *   improvement_surcharge: 1, total_amount: 17.05, congestion_surcharge: 2.75, airport_fee: null,
 *   cbd_congestion_fee: null, ehail_fee: null, trip_type_code: 1,
 * } as const;
 * const batch = batchFromRows([row, { ...row, fare_amount: 1e11 }], {
 *   tripType: "green", sourceFile: "f.parquet",
 * });
 * assert.equal(unstorableField(batch, 0), undefined);
 * assert.equal(unstorableField(batch, 1), "fare_amount 100000000000, too large for numeric(12,2)");
 * ```
 */
export function unstorableField(batch: RawTripBatch, i: number): string | undefined {
  const n = batch.numeric;
  for (const field of INT_FIELDS) {
    const value = n[field][i]!;
    if (value === value && !(Number.isInteger(value) && Math.abs(value) <= INT4_MAX)) {
      return `${field} ${value}, not a 32-bit integer`;
    }
  }
  for (const field of MONEY_FIELDS) {
    const value = n[field as NumericField][i]!;
    if (!(Math.abs(value) < MONEY_LIMIT) && value === value) {
      return `${field} ${value}, too large for numeric(12,2)`;
    }
  }
  for (const field of ["pickup_ts", "dropoff_ts"] as const) {
    const ms = n[field][i]!;
    if (ms < FIRST_MS || ms > LAST_MS) {
      const when = Math.abs(ms) <= 8.64e15 ? new Date(ms).toISOString() : `${ms} ms`;
      return `${field} ${when}, outside the years 1 to 9999`;
    }
  }
  return unstorableFlag(batch, i);
}

/**
 * Why row `i`'s `store_and_fwd_flag` cannot be stored, or undefined: the one
 * text of a raw row, in `trips` and in `rejected_trips.raw` alike.
 *
 * @example
 * ```ts
 * import { batchFromRows } from "../raw_trip_batch.ts";
 * import { unstorableFlag } from "./storable.ts";
 * import assert from "node:assert";
 * const batch = batchFromRows([], { tripType: "green", sourceFile: "f.parquet" });
 * batch.storeAndFwdFlag.push("N", "N\u0000");
 * assert.equal(unstorableFlag(batch, 0), undefined);
 * assert.match(unstorableFlag(batch, 1)!, /text PostgreSQL cannot hold/);
 * ```
 */
export function unstorableFlag(batch: RawTripBatch, i: number): string | undefined {
  const flag = batch.storeAndFwdFlag[i];
  return flag == null || isStorableText(flag)
    ? undefined
    : `store_and_fwd_flag ${JSON.stringify(flag)}, text PostgreSQL cannot hold`;
}

/**
 * Why rejected row `i` cannot be stored in `rejected_trips`, or undefined: its
 * `store_and_fwd_flag` ({@linkcode unstorableFlag}), or a pickup month (its
 * month index, -1 for none) in the year 0, which PostgreSQL dates lack.
 *
 * @example
 * ```ts
 * import { batchFromRows } from "../raw_trip_batch.ts";
 * import { unstorableReject } from "./storable.ts";
 * import assert from "node:assert";
 * const batch = batchFromRows([], { tripType: "green", sourceFile: "f.parquet" });
 * batch.storeAndFwdFlag.push("N");
 * assert.equal(unstorableReject(batch, 0, 2024 * 12), undefined);
 * assert.match(unstorableReject(batch, 0, 5)!, /year 0/);
 * ```
 */
export function unstorableReject(
  batch: RawTripBatch,
  i: number,
  month: number,
): string | undefined {
  // Month indexes 0-11 are the year 0.
  return unstorableFlag(batch, i) ??
    (month >= 0 && month < 12 ? "a pickup in the year 0, which no date holds" : undefined);
}

/**
 * Whether PostgreSQL `text` and `jsonb` can hold `text` as it is: no NUL
 * character, and no lone UTF-16 surrogate (which has no UTF-8 form).
 *
 * @example
 * ```ts
 * import { isStorableText } from "./storable.ts";
 * import assert from "node:assert";
 * assert.equal(isStorableText("N"), true);
 * assert.equal(isStorableText("a\u0000b"), false);
 * assert.equal(isStorableText("\ud800"), false);
 * ```
 */
export function isStorableText(text: string): boolean {
  return !text.includes("\u0000") && text.isWellFormed();
}
