// Places resampled rows in the target month without creating accidental
// duplicates, so the only duplicates in a synthetic file are injected ones.
import { NUMERIC_FIELDS, type RawTripBatch } from "../../domain/raw_trip_batch.ts";
import type { PeriodBounds } from "./inject_reject.ts";
import type { Rng } from "./rng.ts";
import type { TripPool } from "./trip_pool.ts";

const DAY_MS = 86_400_000;
const JITTER_S = 1_800;
const FILTER_BITS = 1 << 27; // 16 MiB; false positives only cost a redraw

/** Draws (pool row, pickup) pairs that no earlier draw produced. */
export class RowSpacer {
  /** Rows to resample. */
  readonly pool: TripPool;
  /** The target month. */
  readonly bounds: PeriodBounds;
  /** The random source. */
  readonly rng: Rng;
  readonly #days: number;
  readonly #contentHash: Uint32Array;
  readonly #seen = new Uint32Array(FILTER_BITS / 32);
  /**
   * How many rows can be drawn while a draw still succeeds within a few
   * tries: three quarters of the distinct (pool row, pickup second) pairs,
   * or of the filter's bits. Past it, the draws would retry without end.
   */
  readonly capacity: number;

  /** Hashes the pool rows once, for the collision filter. */
  constructor(pool: TripPool, bounds: PeriodBounds, rng: Rng) {
    this.pool = pool;
    this.bounds = bounds;
    this.rng = rng;
    this.#days = Math.round((bounds.end - bounds.start) / DAY_MS);
    this.#contentHash = _hashRows(pool);
    const pairs = new Set(this.#contentHash).size * this.#days * (2 * JITTER_S + 1);
    this.capacity = Math.floor(0.75 * Math.min(pairs, FILTER_BITS));
  }

  /**
   * A pool row and a pickup time in the period that no earlier row took:
   * same time of day as the source (so hourly patterns survive) +- 30 min.
   */
  draw(): { row: number; pickup: number } {
    const { start, end } = this.bounds;
    for (;;) {
      const row = this.rng.int(this.pool.size);
      const timeOfDay = ((this.pool.numeric.pickup_ts[row]! % DAY_MS) + DAY_MS) % DAY_MS;
      for (let attempt = 0; attempt < 8; attempt++) {
        const jitter = (this.rng.int(2 * JITTER_S + 1) - JITTER_S) * 1000;
        const pickup = start + this.rng.int(this.#days) * DAY_MS + timeOfDay + jitter;
        if (pickup < start || pickup >= end) continue;
        const bit = _mix(this.#contentHash[row]!, pickup) & (FILTER_BITS - 1);
        if (this.#seen[bit >>> 5]! & (1 << (bit & 31))) continue;
        this.#seen[bit >>> 5]! |= 1 << (bit & 31);
        return { row, pickup };
      }
    }
  }
}

/** Fills row `i` of `batch` with a resampled pool row at a fresh time, same duration. */
export function fillGroupRow(spacer: RowSpacer, batch: RawTripBatch, i: number): void {
  const { row, pickup } = spacer.draw();
  const targets = _columnsOf(batch.numeric);
  const sources = _columnsOf(spacer.pool.numeric);
  for (let f = 0; f < targets.length; f++) targets[f]![i] = sources[f]![row]!;
  batch.numeric.pickup_ts[i] = pickup;
  batch.numeric.dropoff_ts[i] = pickup + sources[DROPOFF]![row]! - sources[PICKUP]![row]!;
  batch.storeAndFwdFlag[i] = spacer.pool.flags[row] ?? null;
}

const PICKUP = NUMERIC_FIELDS.indexOf("pickup_ts");
const DROPOFF = NUMERIC_FIELDS.indexOf("dropoff_ts");
const columnLists = new WeakMap<object, Float64Array[]>();

// The columns of a batch as an array, cached: indexing an array is far
// cheaper per row than 21 lookups by field name.
function _columnsOf(numeric: RawTripBatch["numeric"]): Float64Array[] {
  let columns = columnLists.get(numeric);
  if (!columns) {
    columns = NUMERIC_FIELDS.map((field) => numeric[field]);
    columnLists.set(numeric, columns);
  }
  return columns;
}

// Rows with equal content (besides times) get equal hashes, so two equal
// pool rows at the same time also collide in the filter.
function _hashRows(pool: TripPool): Uint32Array {
  const hashes = new Uint32Array(pool.size);
  const cell = new Float64Array(1);
  const words = new Uint32Array(cell.buffer);
  for (let i = 0; i < pool.size; i++) {
    let h = 0x811c9dc5;
    for (const field of NUMERIC_FIELDS) {
      if (field === "pickup_ts") continue;
      cell[0] = field === "dropoff_ts"
        ? pool.numeric.dropoff_ts[i]! - pool.numeric.pickup_ts[i]!
        : pool.numeric[field][i]!;
      h = Math.imul(h ^ words[0]!, 0x01000193);
      h = Math.imul(h ^ words[1]!, 0x01000193);
    }
    const flag = pool.flags[i];
    h = Math.imul(h ^ (flag ? flag.charCodeAt(0) : 0), 0x01000193);
    hashes[i] = h >>> 0;
  }
  return hashes;
}

function _mix(hash: number, pickup: number): number {
  let h = Math.imul(hash ^ (pickup / 1000 | 0), 0x9e3779b1);
  h ^= h >>> 15;
  h = Math.imul(h ^ Math.floor(pickup / 4294967296000), 0x85ebca6b);
  return (h ^ (h >>> 13)) >>> 0;
}
