/**
 * The sums behind a zone-hour's KPIs, computed from trips in memory. The
 * stream assembler adds them up round by round, so that keeping a zone-hour's
 * KPIs current reads one small row per partition instead of every trip of
 * the hour again.
 *
 * Every term is a whole number and every sum exact, and each term equals the
 * one the batch aggregate computes in SQL from the stored row
 * (`kpiInsertSql`): money in cents as `numeric(12,2)` rounds the stored text,
 * the float terms through PostgreSQL's `round()` (half to even). So both
 * paths feed the same sums to the same formulas.
 *
 * @module
 */
import type { RawTrip } from "../../../schemas/raw_trip.ts";

/** The KPI sums of one zone x hour of one period, over some of its trips. */
export interface HourSums {
  /** Period of the trips, `YYYY-MM`. */
  period: string;
  /** Pickup zone. */
  zoneId: number;
  /** Start of the pickup hour, naive epoch milliseconds. */
  hourMs: number;
  /** Trips. */
  trips: number;
  /** Sum of `total_amount`, in cents. */
  revenueCents: bigint;
  /** Trips with a `fare_amount`. */
  fareTrips: number;
  /** Sum of `fare_amount`, in cents. */
  fareCents: bigint;
  /** Trips with a `tip_amount`. */
  tipTrips: number;
  /** Sum of `tip_amount`, in cents. */
  tipCents: bigint;
  /** Sum of `trip_distance`, in millionths of a mile. */
  distanceMicromiles: bigint;
  /** Sum of the durations, in microseconds. */
  durationMicros: bigint;
  /** Sum of the per-trip speeds, in billionths of a km/h. */
  speedNanoKmh: bigint;
  /** Trips paid by card (`payment_type` 1). */
  cardTrips: number;
  /** Sum of `passenger_count`, null as 0. */
  passengers: number;
}

/** A trip as the KPIs see it: its row and its period. */
export interface KpiTrip {
  /** The curated row (pickup, dropoff, zone, distance and total are set). */
  row: RawTrip;
  /** Period, `YYYY-MM`. */
  period: string;
}

const MS_PER_HOUR = 3_600_000;

/**
 * Sums `trips` by period, pickup zone and pickup hour.
 *
 * @example
 * ```ts
 * import { hourSumsOf } from "./hour_sums.ts";
 * import assert from "node:assert";
 * const row = {
 *   trip_type: "green", vendor_id: 2, pickup_ts: Date.UTC(2024, 0, 1, 5, 10),
 *   dropoff_ts: Date.UTC(2024, 0, 1, 5, 40), passenger_count: null, trip_distance: 2.5,
 *   ratecode_id: 1, store_and_fwd_flag: "N", pu_location_id: 132, do_location_id: 138,
 *   payment_type: 1, fare_amount: 1.005, extra: 0, mta_tax: 0, tip_amount: null,
 *   tolls_amount: 0, improvement_surcharge: 0, total_amount: 10, congestion_surcharge: null,
 *   airport_fee: null, cbd_congestion_fee: null, ehail_fee: null, trip_type_code: 1,
 * } as const;
 * const [sums] = hourSumsOf([{ row, period: "2024-01" }, { row, period: "2024-01" }]);
 * assert.equal(sums.trips, 2);
 * assert.equal(sums.fareCents, 202n); // numeric(12,2) stores 1.005 as 1.01
 * assert.equal(sums.speedNanoKmh, 2n * 8_046_720_000n); // 2.5 miles in half an hour
 * ```
 */
export function hourSumsOf(trips: Iterable<KpiTrip>): HourSums[] {
  const sums = new Map<string, _Accumulator>();
  for (const { row, period } of trips) {
    const pickup = row.pickup_ts!;
    const hourMs = Math.floor(pickup / MS_PER_HOUR) * MS_PER_HOUR;
    const key = `${period}|${row.pu_location_id}|${hourMs}`;
    let acc = sums.get(key);
    if (acc === undefined) {
      acc = new _Accumulator(period, row.pu_location_id!, hourMs);
      sums.set(key, acc);
    }
    acc.add(row);
  }
  return [...sums.values()].map((acc) => acc.result());
}

/**
 * The cents `numeric(12,2)` stores for `x`, which reaches PostgreSQL as
 * `String(x)` and is rounded half away from zero, digit by digit: `1.005`
 * (a double just below it) is stored as 1.01.
 *
 * @example
 * ```ts
 * import { numericCents } from "./hour_sums.ts";
 * import assert from "node:assert";
 * assert.deepEqual([numericCents(1.005), numericCents(-0.125), numericCents(12.3)], [101, -13, 1230]);
 * ```
 */
export function numericCents(x: number): number {
  const cents = Math.round(x * 100);
  if (cents / 100 === x) return cents;
  const text = String(Math.abs(x));
  // An exponent form below 1 is below 1e-6, which rounds to no cents; money at
  // or above 1e21 has no fraction digits, and is never stored (numeric(12,2)).
  if (text.includes("e")) return Math.abs(x) < 1 ? 0 : cents;
  const [whole, fraction = ""] = text.split(".");
  const digits = (fraction + "00").slice(0, 2);
  const up = fraction.length > 2 && fraction[2]! >= "5" ? 1 : 0;
  const magnitude = Number(whole) * 100 + Number(digits) + up;
  return x < 0 ? -magnitude : magnitude;
}

/**
 * PostgreSQL's `round()` of a `double precision` (C `rint`: halves to even).
 * Throws a `RangeError` beyond ±2^52, far above any curated trip's terms,
 * so that a sum of two terms is still exact.
 *
 * @example
 * ```ts
 * import { roundHalfEven } from "./hour_sums.ts";
 * import assert from "node:assert";
 * assert.deepEqual([roundHalfEven(2.5), roundHalfEven(3.5), roundHalfEven(-1.5)], [2, 4, -2]);
 * ```
 */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  const even = r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
  if (!(Math.abs(even) <= 2 ** 52)) throw new RangeError(`KPI term out of range: ${x}`);
  return even;
}

/** An exact sum of integers within ±2^52: a number while it stays there, then a bigint. */
class _ExactSum {
  #big = 0n;
  #small = 0;

  add(term: number): void {
    this.#small += term;
    if (this.#small > 2 ** 52 || this.#small < -(2 ** 52)) {
      this.#big += BigInt(this.#small);
      this.#small = 0;
    }
  }

  get value(): bigint {
    return this.#big + BigInt(this.#small);
  }
}

class _Accumulator {
  trips = 0;
  fareTrips = 0;
  tipTrips = 0;
  cardTrips = 0;
  passengers = 0;
  revenue = new _ExactSum();
  fare = new _ExactSum();
  tip = new _ExactSum();
  distance = new _ExactSum();
  duration = new _ExactSum();
  speed = new _ExactSum();

  constructor(readonly period: string, readonly zoneId: number, readonly hourMs: number) {}

  add(row: RawTrip): void {
    // The terms of kpiInsertSql, over the values writeTripLine stores.
    const miles = row.trip_distance!;
    const seconds = (row.dropoff_ts! - row.pickup_ts!) / 1000;
    this.trips++;
    if (row.total_amount !== null) this.revenue.add(numericCents(row.total_amount));
    if (row.fare_amount !== null) {
      this.fareTrips++;
      this.fare.add(numericCents(row.fare_amount));
    }
    if (row.tip_amount !== null) {
      this.tipTrips++;
      this.tip.add(numericCents(row.tip_amount));
    }
    this.distance.add(roundHalfEven(miles * 1e6));
    this.duration.add(roundHalfEven(seconds * 1e6));
    this.speed.add(roundHalfEven(miles * 1.609344e9 / (seconds / 3600)));
    if (row.payment_type === 1) this.cardTrips++;
    this.passengers += row.passenger_count ?? 0;
  }

  result(): HourSums {
    return {
      period: this.period,
      zoneId: this.zoneId,
      hourMs: this.hourMs,
      trips: this.trips,
      revenueCents: this.revenue.value,
      fareTrips: this.fareTrips,
      fareCents: this.fare.value,
      tipTrips: this.tipTrips,
      tipCents: this.tip.value,
      distanceMicromiles: this.distance.value,
      durationMicros: this.duration.value,
      speedNanoKmh: this.speed.value,
      cardTrips: this.cardTrips,
      passengers: this.passengers,
    };
  }
}
