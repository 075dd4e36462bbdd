/**
 * Curation (contract section 2): every row gets one verdict, accepted or the
 * reason of the first failing rule, plus its `trip_key` and period.
 *
 * @module
 */
import type { RawTripBatch } from "../raw_trip_batch.ts";
import { DigestSet } from "./digest_set.ts";
import { monthIndexOfPeriod, monthIndexOfTimestamp, monthStartMs } from "./period.ts";
import { ACCEPTED, CURATION_REASONS, type ReasonCounts, zeroReasonCounts } from "./reasons.ts";
import {
  KM_PER_MILE,
  MAX_DISTANCE_MILES,
  MAX_DURATION_S,
  MAX_PASSENGERS,
  MAX_SPEED_KMH,
  MAX_TOTAL_AMOUNT,
  MAX_ZONE_ID,
  MIN_ZONE_ID,
} from "./thresholds.ts";
import { TRIP_KEY_BYTES, tripKeyDigests } from "./trip_key.ts";

const MAX_DURATION_MS = MAX_DURATION_S * 1000;
const NO_PERIOD = -1;

/** What one load remembers between batches. */
export interface CurationState {
  /** The load's `YYYY-MM` period, or undefined: rule 2 is skipped, rows take their pickup month. */
  readonly period: string | undefined;
  /** Keys of the rows accepted so far in this load (rule 10). */
  readonly accepted: DigestSet;
}

/** Options of {@linkcode createCurationState}. */
export interface CurationStateOptions {
  /** `YYYY-MM`; omit when neither the file name nor the user gives one. */
  period?: string;
  /** Rows the load will curate, when known: sizes the duplicate set once. */
  expectedRows?: number;
}

/**
 * Starts the curation state of one load.
 *
 * @example
 * ```ts
 * import { createCurationState } from "./curate_batch.ts";
 * import assert from "node:assert";
 * assert.equal(createCurationState({ period: "2024-01" }).accepted.size, 0);
 * ```
 */
export function createCurationState(options: CurationStateOptions = {}): CurationState {
  if (options.period !== undefined) monthIndexOfPeriod(options.period);
  return { period: options.period, accepted: new DigestSet(options.expectedRows ?? 0) };
}

/** The verdicts of one batch, row by row. */
export interface CurationVerdicts {
  /** Number of rows. */
  length: number;
  /** 0 ({@linkcode ACCEPTED}) or the 1-based index of the reason in `CURATION_REASONS`. */
  codes: Uint8Array;
  /** 16 bytes of `trip_key` per row. */
  keys: Uint8Array;
  /** The row's period as a month index (`year * 12 + month - 1`), or -1 when it has none. */
  periods: Int32Array;
  /** Accepted rows. */
  accepted: number;
  /** Rejected rows per reason (every reason present). */
  rejected: ReasonCounts;
}

/**
 * Curates a batch: applies the ten rules in contract order to every row and
 * records accepted keys in `state` (so a later identical row is a duplicate).
 * `keys` are the rows' trip keys as {@linkcode tripKeyDigests} computes them,
 * which it does when they are not given (a caller may hash on another thread).
 *
 * @example
 * ```ts
 * import { batchFromRows } from "../raw_trip_batch.ts";
 * import { createCurationState, curateBatch } from "./curate_batch.ts";
 * import { tripKeyDigests } from "./trip_key.ts";
 * import assert from "node:assert";
 * const row = {
 *   trip_type: "green", vendor_id: 2, pickup_ts: Date.UTC(2024, 0, 1, 0, 57, 55),
 *   dropoff_ts: Date.UTC(2024, 0, 1, 1, 17, 43), passenger_count: 1, trip_distance: 2.58,
 *   ratecode_id: 1, store_and_fwd_flag: "N", pu_location_id: 236, do_location_id: 239,
 *   payment_type: 2, fare_amount: 12.8, extra: 1, mta_tax: 0.5, tip_amount: 0, tolls_amount: 0,
 *   improvement_surcharge: 1, total_amount: 17.05, congestion_surcharge: 2.75, airport_fee: null,
 *   cbd_congestion_fee: null, ehail_fee: null, trip_type_code: 1,
 * } as const;
 * const late = { ...row, pickup_ts: Date.UTC(2024, 1, 1), dropoff_ts: Date.UTC(2024, 1, 1, 0, 20) };
 * const batch = batchFromRows([row, late, row], { tripType: "green", sourceFile: "g.parquet" });
 * const verdicts = curateBatch(batch, createCurationState({ period: "2024-01" }));
 * assert.equal(verdicts.accepted, 1);
 * assert.deepEqual(verdicts.rejected.outside_period, 1);
 * assert.deepEqual(verdicts.rejected.duplicate, 1);
 * // Keys hashed elsewhere (another thread) give the same verdicts.
 * const again = curateBatch(batch, createCurationState({ period: "2024-01" }), tripKeyDigests(batch));
 * assert.deepEqual(again.codes, verdicts.codes);
 * ```
 */
export function curateBatch(
  batch: RawTripBatch,
  state: CurationState,
  keys: Uint8Array = tripKeyDigests(batch),
): CurationVerdicts {
  const n = batch.length;
  if (keys.length !== n * TRIP_KEY_BYTES) {
    throw new RangeError(
      `Expected ${n * TRIP_KEY_BYTES} key bytes for ${n} rows, got ${keys.length}`,
    );
  }
  const codes = new Uint8Array(n);
  const periods = new Int32Array(n);
  const { pickup_ts: pickups, dropoff_ts: dropoffs } = batch.numeric;
  const fixedMonth = state.period === undefined ? NO_PERIOD : monthIndexOfPeriod(state.period);
  const [periodStart, periodEnd] = _monthBounds(fixedMonth);
  const months = new _MonthCache();
  const counts = new Float64Array(CURATION_REASONS.length + 1);
  for (let i = 0; i < n; i++) {
    const pickup = pickups[i]!;
    periods[i] = fixedMonth !== NO_PERIOD ? fixedMonth : pickup === pickup ? months.of(pickup) : -1;
    let code = _ruleCode(batch, i, pickup, dropoffs[i]!, periodStart, periodEnd);
    if (code === ACCEPTED && !state.accepted.add(keys, i * TRIP_KEY_BYTES)) code = 10;
    codes[i] = code;
    counts[code]!++;
  }
  const rejected = zeroReasonCounts();
  CURATION_REASONS.forEach((reason, index) => rejected[reason] = counts[index + 1]!);
  return { length: n, codes, keys, periods, accepted: counts[ACCEPTED]!, rejected };
}

/**
 * Whether row `i` passes every curation rule that looks at the row alone:
 * all but the duplicate (rule 10), and the period (rule 2) unless `period`
 * is given, since both depend on the load. The synthesizer resamples such
 * rows into any month; the assembler checks rebuilt trips in their period.
 *
 * @example
 * ```ts
 * import { batchFromRows } from "../raw_trip_batch.ts";
 * import { passesRowRules } from "./curate_batch.ts";
 * import assert from "node:assert";
 * const row = {
 *   trip_type: "green", vendor_id: 2, pickup_ts: 0, dropoff_ts: 600_000, passenger_count: 1,
 *   trip_distance: 2, ratecode_id: 1, store_and_fwd_flag: "N", pu_location_id: 1,
 *   do_location_id: 2, payment_type: 1, fare_amount: 10, extra: 0, mta_tax: 0.5,
 *   tip_amount: 0, tolls_amount: 0, improvement_surcharge: 1, total_amount: 11.5,
 *   congestion_surcharge: 0, airport_fee: null, cbd_congestion_fee: null, ehail_fee: null,
 *   trip_type_code: 1,
 * } as const;
 * const batch = batchFromRows([row, { ...row, passenger_count: 1.5 }], {
 *   tripType: "green",
 *   sourceFile: "x",
 * });
 * assert.equal(passesRowRules(batch, 0), true);
 * assert.equal(passesRowRules(batch, 1), false); // a fractional count is no count
 * assert.equal(passesRowRules(batch, 0, "1970-01"), true); // picked up 1970-01-01T00:00
 * assert.equal(passesRowRules(batch, 0, "1970-02"), false);
 * ```
 */
export function passesRowRules(batch: RawTripBatch, i: number, period?: string): boolean {
  const { pickup_ts: pickups, dropoff_ts: dropoffs } = batch.numeric;
  const [start, end] = _monthBounds(period === undefined ? NO_PERIOD : monthIndexOfPeriod(period));
  return _ruleCode(batch, i, pickups[i]!, dropoffs[i]!, start, end) === ACCEPTED;
}

/** Rule 2's bounds of a month, naive ms; NaN for none, which no pickup falls outside. */
function _monthBounds(month: number): [number, number] {
  return month === NO_PERIOD ? [NaN, NaN] : [monthStartMs(month), monthStartMs(month + 1)];
}

/** Rules 1..9 for row `i`: 0 when all pass, else the first failing rule's number. */
function _ruleCode(
  batch: RawTripBatch,
  i: number,
  pickup: number,
  dropoff: number,
  periodStart: number,
  periodEnd: number,
): number {
  const n = batch.numeric;
  if (pickup !== pickup || dropoff !== dropoff) return 1;
  if (pickup < periodStart || pickup >= periodEnd) return 2;
  const durationMs = dropoff - pickup;
  if (durationMs <= 0) return 3;
  if (durationMs > MAX_DURATION_MS) return 4;
  if (!_isZone(n.pu_location_id[i]!) || !_isZone(n.do_location_id[i]!)) return 5;
  const total = n.total_amount[i]!;
  if (!(total >= 0 && total <= MAX_TOTAL_AMOUNT) || n.fare_amount[i]! < 0) return 6;
  const miles = n.trip_distance[i]!;
  if (!(miles >= 0 && miles <= MAX_DISTANCE_MILES)) return 7;
  if ((miles * KM_PER_MILE) / ((durationMs / 1000) / 3600) > MAX_SPEED_KMH) return 8;
  const passengers = n.passenger_count[i]!;
  // A fractional count (from a DOUBLE column) is no count and cannot be stored as int.
  if (passengers === passengers && !_isIntIn(passengers, 0, MAX_PASSENGERS)) return 9;
  return ACCEPTED;
}

/** A zone id: an integer in 1..265 (a fractional id names no zone). */
function _isZone(id: number): boolean {
  return _isIntIn(id, MIN_ZONE_ID, MAX_ZONE_ID);
}

function _isIntIn(value: number, min: number, max: number): boolean {
  return value >= min && value <= max && Math.floor(value) === value;
}

/** Month of a pickup, remembering the last month's bounds (pickups cluster). */
class _MonthCache {
  #start = NaN;
  #end = NaN;
  #month = NO_PERIOD;

  of(ms: number): number {
    if (ms >= this.#start && ms < this.#end) return this.#month;
    this.#month = monthIndexOfTimestamp(ms);
    this.#start = monthStartMs(this.#month);
    this.#end = monthStartMs(this.#month + 1);
    return this.#month;
  }
}
