/**
 * The clean rows a synthetic month is resampled from.
 *
 * @module
 */
import type { TripType } from "../../../schemas/raw_trip.ts";
import { NUMERIC_FIELDS, type NumericField } from "../../domain/raw_trip_batch.ts";
import { passesRowRules } from "../../domain/curation/curate_batch.ts";
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
      if (!passesRowRules(batch, i)) continue;
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
