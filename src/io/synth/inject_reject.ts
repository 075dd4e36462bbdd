/**
 * Turns a clean synthetic row into a row that fails exactly one curation
 * rule, so a synthetic month carries every reject reason in known numbers.
 *
 * @module
 */
import type { CurationReason } from "../../../schemas/curation_reason.ts";
import type { RawTripBatch } from "../../domain/raw_trip_batch.ts";
import {
  KM_PER_MILE,
  MAX_DISTANCE_MILES,
  MAX_DURATION_S,
  MAX_PASSENGERS,
  MAX_SPEED_KMH,
  MAX_TOTAL_AMOUNT,
  MAX_ZONE_ID,
  MIN_ZONE_ID,
} from "../../domain/curation/thresholds.ts";
import type { Rng } from "./rng.ts";

/** The period a row must fall in, as naive epoch milliseconds. */
export interface PeriodBounds {
  /** First instant of the period. */
  start: number;
  /** First instant of the next month. */
  end: number;
}

const DAY_MS = 86_400_000;

/**
 * Rewrites row `i` of `batch` (a clean row inside `bounds`) so that the
 * first curation rule it fails is `reason`. Every earlier rule still passes.
 * `duplicate` is not handled here: a duplicate is a copy of an earlier row.
 *
 * @param batch Rows being generated.
 * @param i The row to spoil.
 * @param reason The rule it must fail.
 * @param context The period and the random source.
 *
 * @example
 * ```ts
 * import { batchFromRows } from "../../domain/raw_trip_batch.ts";
 * import { injectReject } from "./inject_reject.ts";
 * import { createRng } from "./rng.ts";
 * import assert from "node:assert";
 * const start = Date.UTC(2024, 0, 1), end = Date.UTC(2024, 1, 1);
 * const row = {
 *   trip_type: "green", vendor_id: 2, pickup_ts: start + 3_600_000, dropoff_ts: start + 4_200_000,
 *   passenger_count: 1, trip_distance: 2, ratecode_id: 1, store_and_fwd_flag: "N",
 *   pu_location_id: 1, do_location_id: 2, payment_type: 1, fare_amount: 10, extra: 0,
 *   mta_tax: 0.5, tip_amount: 0, tolls_amount: 0, improvement_surcharge: 1, total_amount: 11.5,
 *   congestion_surcharge: 0, airport_fee: null, cbd_congestion_fee: null, ehail_fee: null,
 *   trip_type_code: 1,
 * } as const;
 * const batch = batchFromRows([row], { tripType: "green", sourceFile: "x" });
 * injectReject(batch, 0, "invalid_passenger_count", { start, end, rng: createRng(1) });
 * assert.ok(batch.numeric.passenger_count[0]! > 9 || batch.numeric.passenger_count[0]! < 0);
 * ```
 */
export function injectReject(
  batch: RawTripBatch,
  i: number,
  reason: Exclude<CurationReason, "duplicate">,
  context: PeriodBounds & { rng: Rng },
): void {
  const n = batch.numeric;
  const { rng } = context;
  const pickup = n.pickup_ts[i]!;
  const duration = n.dropoff_ts[i]! - pickup;
  switch (reason) {
    case "missing_timestamp":
      (rng.next() < 0.5 ? n.pickup_ts : n.dropoff_ts)[i] = NaN;
      return;
    case "outside_period": {
      // A few TLC rows start days before the month, or after it ends.
      const shifted = rng.next() < 0.8
        ? context.start - (1 + rng.int(3 * 86_400)) * 1000
        : context.end + rng.int(DAY_MS / 1000) * 1000;
      n.pickup_ts[i] = shifted;
      n.dropoff_ts[i] = shifted + duration;
      return;
    }
    case "non_positive_duration":
      n.dropoff_ts[i] = pickup - rng.int(301) * 1000;
      return;
    case "duration_over_limit":
      n.dropoff_ts[i] = pickup + (MAX_DURATION_S + 1 + rng.int(7_200)) * 1000;
      return;
    case "unknown_zone": {
      const variant = rng.int(4);
      if (variant === 0) n.pu_location_id[i] = MIN_ZONE_ID - 1;
      else if (variant === 1) n.do_location_id[i] = MAX_ZONE_ID + 1;
      else if (variant === 2) n.pu_location_id[i] = NaN;
      else n.do_location_id[i] = 999;
      return;
    }
    case "invalid_amount": {
      const variant = rng.int(4);
      const total = n.total_amount[i]!;
      if (variant === 0) n.total_amount[i] = NaN;
      else if (variant === 1) n.total_amount[i] = -(Math.abs(total) + 1);
      else if (variant === 2) n.fare_amount[i] = -(Math.abs(n.fare_amount[i]! || 0) + 1);
      else n.total_amount[i] = MAX_TOTAL_AMOUNT + 1 + rng.int(5_000);
      return;
    }
    case "invalid_distance": {
      const variant = rng.int(3);
      if (variant === 0) n.trip_distance[i] = NaN;
      else if (variant === 1) n.trip_distance[i] = -(1 + rng.int(500)) / 100;
      else n.trip_distance[i] = MAX_DISTANCE_MILES + 1 + rng.int(200_000);
      return;
    }
    case "speed_over_limit": {
      // A short trip with a distance 1.2-2.2x what 200 km/h allows (< 500 miles).
      const seconds = 60 + rng.int(841);
      const limitMiles = MAX_SPEED_KMH / KM_PER_MILE * seconds / 3600;
      n.dropoff_ts[i] = pickup + seconds * 1000;
      n.trip_distance[i] = Math.ceil(limitMiles * (1.2 + rng.next()) * 100) / 100;
      return;
    }
    case "invalid_passenger_count":
      n.passenger_count[i] = rng.next() < 0.8 ? MAX_PASSENGERS + 1 + rng.int(90) : -1;
      return;
  }
}
