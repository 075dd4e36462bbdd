/**
 * The clean rows a synthetic month is resampled from.
 *
 * @module
 */
import type { TripType } from "../../../schemas/raw_trip.ts";
import {
  NUMERIC_FIELDS,
  type NumericField,
  type RawTripBatch,
} from "../../domain/raw_trip_batch.ts";
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
import { ChillFlowError } from "../../errors.ts";
import { readTripBatches } from "../parquet/read_trip_batches.ts";
import type { Rng } from "./rng.ts";

/** Rows that pass every curation rule except the period, held column by column. */
export interface TripPool {
  /** Trip type of the source file. */
  tripType: TripType;
  /** Rows read from the source file. */
  rowsRead: number;
  /** Rows held (clean rows, at most the cap). */
  size: number;
  /** One array of `size` values per numeric field. */
  numeric: Record<NumericField, Float64Array>;
  /** The `store_and_fwd_flag` values. */
  flags: (string | null)[];
}

/** Options of {@linkcode loadTripPool}. */
export interface LoadTripPoolOptions {
  /** Chooses the kept rows when the file has more clean rows than `cap`. */
  rng: Rng;
  /**
   * Most rows kept, so a huge source file still uses bounded memory.
   * @default {250000}
   */
  cap?: number;
}

/**
 * Reads `path` and keeps its clean rows (rules 1 and 3-9 of the contract), a
 * uniform sample of `cap` of them when there are more (reservoir sampling).
 *
 * @param path A TLC Parquet file.
 * @param options Random source and cap.
 * @returns The pool.
 * @throws {ChillFlowError} From the reader, or `CF_INPUT_FILE` when no row is clean.
 *
 * @example
 * ```ts ignore
 * import { loadTripPool } from "./trip_pool.ts";
 * import { createRng } from "./rng.ts";
 * const pool = await loadTripPool("data/green_tripdata_2024-01.parquet", { rng: createRng(1) });
 * console.log(pool.size); // 55,9xx clean rows
 * ```
 */
export async function loadTripPool(path: string, options: LoadTripPoolOptions): Promise<TripPool> {
  const cap = options.cap ?? 250_000;
  const numeric = {} as Record<NumericField, Float64Array>;
  for (const field of NUMERIC_FIELDS) numeric[field] = new Float64Array(cap);
  const flags: (string | null)[] = [];
  let tripType: TripType | undefined;
  let rowsRead = 0;
  let seen = 0;
  for await (const batch of readTripBatches(path)) {
    tripType = batch.tripType;
    rowsRead += batch.length;
    for (let i = 0; i < batch.length; i++) {
      if (!isCleanRow(batch, i)) continue;
      const slot = seen < cap ? seen : options.rng.int(seen + 1);
      seen++;
      if (slot >= cap) continue;
      for (const field of NUMERIC_FIELDS) numeric[field][slot] = batch.numeric[field][i]!;
      flags[slot] = batch.storeAndFwdFlag[i] ?? null;
    }
  }
  const size = Math.min(seen, cap);
  if (size === 0 || !tripType) {
    throw new ChillFlowError(
      "CF_INPUT_FILE",
      `Cannot resample "${path}": it has no row that passes curation`,
    );
  }
  for (const field of NUMERIC_FIELDS) numeric[field] = numeric[field].subarray(0, size);
  return { tripType, rowsRead, size, numeric, flags };
}

/**
 * Whether row `i` passes curation rules 1 and 3-9 (the period rule 2 is
 * left out: resampled rows get new times).
 *
 * @param batch Rows.
 * @param i Row index.
 * @returns True when the row would be accepted in any period it falls in.
 *
 * @example
 * ```ts
 * import { batchFromRows } from "../../domain/raw_trip_batch.ts";
 * import { isCleanRow } from "./trip_pool.ts";
 * import assert from "node:assert";
 * const row = {
 *   trip_type: "green", vendor_id: 2, pickup_ts: 0, dropoff_ts: 600_000, passenger_count: 1,
 *   trip_distance: 2, ratecode_id: 1, store_and_fwd_flag: "N", pu_location_id: 1,
 *   do_location_id: 2, payment_type: 1, fare_amount: 10, extra: 0, mta_tax: 0.5,
 *   tip_amount: 0, tolls_amount: 0, improvement_surcharge: 1, total_amount: 11.5,
 *   congestion_surcharge: 0, airport_fee: null, cbd_congestion_fee: null, ehail_fee: null,
 *   trip_type_code: 1,
 * } as const;
 * assert.ok(isCleanRow(batchFromRows([row], { tripType: "green", sourceFile: "x" }), 0));
 * ```
 */
export function isCleanRow(batch: RawTripBatch, i: number): boolean {
  const n = batch.numeric;
  const pickup = n.pickup_ts[i]!, dropoff = n.dropoff_ts[i]!;
  if (Number.isNaN(pickup) || Number.isNaN(dropoff)) return false;
  const seconds = (dropoff - pickup) / 1000;
  if (!(seconds > 0) || seconds > MAX_DURATION_S) return false;
  const pu = n.pu_location_id[i]!, dO = n.do_location_id[i]!;
  if (!(pu >= MIN_ZONE_ID && pu <= MAX_ZONE_ID && dO >= MIN_ZONE_ID && dO <= MAX_ZONE_ID)) {
    return false;
  }
  const total = n.total_amount[i]!, fare = n.fare_amount[i]!;
  if (!(total >= 0 && total <= MAX_TOTAL_AMOUNT) || fare < 0) return false;
  const miles = n.trip_distance[i]!;
  if (!(miles >= 0 && miles <= MAX_DISTANCE_MILES)) return false;
  if (miles * KM_PER_MILE / (seconds / 3600) > MAX_SPEED_KMH) return false;
  const passengers = n.passenger_count[i]!;
  return Number.isNaN(passengers) || (passengers >= 0 && passengers <= MAX_PASSENGERS);
}
