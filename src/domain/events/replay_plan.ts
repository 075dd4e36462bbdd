/**
 * The order in which a replay emits events: event time across all trips, with
 * optional, seeded disorder (bounded shuffle, duplicates, late payments,
 * dropped events). Compact: a send time and a 32-bit ref per emitted event,
 * not one object, so a 3 M-trip month costs about 200 MB.
 *
 * @module
 */
import { TRIP_EVENT_TYPES, type TripEventType } from "../../../schemas/trip_event.ts";

/** Disorder to inject; all rates are probabilities in 0..1. */
export interface ReplayDisorder {
  /** Events may leave up to this much later than their event time, ms (bounded out-of-order). @default 0 */
  shuffleWindowMs?: number;
  /**
   * Share of events sent twice: the copy leaves at a time of its own within the
   * shuffle window (or a minute) of the event time, so before or after the
   * original. @default 0
   */
  duplicateRate?: number;
  /** Share of `payment_processed` events delayed by `lateByMs`. @default 0 */
  lateRate?: number;
  /** How late a late payment is, ms. @default 0 */
  lateByMs?: number;
  /** Share of trips that lose one of their events (chosen at random). @default 0 */
  dropRate?: number;
  /**
   * Seed of the pseudo-random choices: the same seed and input give the same
   * replay. Only its low 32 bits count. @default 1
   */
  seed?: number;
}

/** One planned emission. */
export interface PlannedEvent {
  /** The trip's position in the order trips were added. */
  trip: number;
  type: TripEventType;
  /** When to emit it on the replay clock (event time plus any disorder), ms. */
  sendMs: number;
  /** Whether this is an injected duplicate. */
  duplicate: boolean;
}

/** Counts of injected disorder. */
export interface DisorderCounts {
  duplicated: number;
  late: number;
  dropped: number;
}

/** An event's ref, `(trip * 3 + type) * 2 + duplicate`, must fit its Uint32Array slot. */
const MAX_TRIPS = Math.floor(2 ** 32 / 6);
const DUPLICATE_SPREAD_MS = 60_000;

/**
 * Collects trips, then yields their events in replay order.
 *
 * @example
 * ```ts
 * import { ReplayPlanner } from "./replay_plan.ts";
 * import assert from "node:assert";
 * const planner = new ReplayPlanner();
 * planner.addTrip(Date.UTC(2024, 0, 1, 10), Date.UTC(2024, 0, 1, 10, 30));
 * planner.addTrip(Date.UTC(2024, 0, 1, 9), Date.UTC(2024, 0, 1, 9, 10));
 * const order = [...planner.plan()].map((e) => `${e.trip}:${e.type}`);
 * assert.deepEqual(order.slice(0, 2), ["1:trip_started", "1:trip_ended"]);
 * ```
 */
export class ReplayPlanner {
  #disorder: Required<ReplayDisorder>;
  #random: () => number;
  #times = new Float64Array(1 << 16);
  #refs = new Uint32Array(1 << 16);
  #length = 0;
  #trips = 0;
  /** Disorder injected so far. */
  readonly counts: DisorderCounts = { duplicated: 0, late: 0, dropped: 0 };

  /** Creates an empty planner. */
  constructor(disorder: ReplayDisorder = {}) {
    this.#disorder = {
      shuffleWindowMs: disorder.shuffleWindowMs ?? 0,
      duplicateRate: disorder.duplicateRate ?? 0,
      lateRate: disorder.lateRate ?? 0,
      lateByMs: disorder.lateByMs ?? 0,
      dropRate: disorder.dropRate ?? 0,
      seed: disorder.seed ?? 1,
    };
    this.#random = mulberry32(this.#disorder.seed);
  }

  /** Number of events planned so far (duplicates included, drops excluded). */
  get length(): number {
    return this.#length;
  }

  /** Adds a trip (pickup and dropoff in naive epoch ms) and returns its trip number. */
  addTrip(pickupMs: number, dropoffMs: number): number {
    const trip = this.#trips++;
    if (trip >= MAX_TRIPS) throw new RangeError(`Cannot plan more than ${MAX_TRIPS} trips`);
    const d = this.#disorder;
    const random = this.#random;
    // Draw every choice for every trip, so one rate never shifts another's draws.
    const drop = random() < d.dropRate;
    const dropped = Math.floor(random() * 3);
    const late = random() < d.lateRate;
    for (let type = 0; type < 3; type++) {
      const jitter = random() * d.shuffleWindowMs;
      const duplicate = random() < d.duplicateRate;
      const dupJitter = random() * Math.max(d.shuffleWindowMs, DUPLICATE_SPREAD_MS);
      if (drop && type === dropped) continue;
      const eventMs = type === 0 ? pickupMs : dropoffMs;
      const lateBy = type === 2 && late ? d.lateByMs : 0;
      this.#push(eventMs + jitter + lateBy, (trip * 3 + type) * 2);
      if (duplicate) {
        this.#push(eventMs + dupJitter + lateBy, (trip * 3 + type) * 2 + 1);
        this.counts.duplicated++;
      }
    }
    if (drop) this.counts.dropped++;
    // A payment delayed by nothing is not late.
    if (late && d.lateByMs > 0 && !(drop && dropped === 2)) this.counts.late++;
    return trip;
  }

  /**
   * The planned events, by send time (ties: trip order, then event type
   * order). Events are pushed in ref order, so a stable sort on the send
   * offset in whole ms alone gives that order: a radix sort of 32-bit
   * offsets when the plan spans under 49 days (a month does), else a
   * comparator sort (a file spanning decades, as rows without a period may).
   */
  *plan(): Generator<PlannedEvent, void, undefined> {
    const n = this.#length, times = this.#times, refs = this.#refs;
    if (n === 0) return;
    let base = Infinity, latest = -Infinity;
    for (let i = 0; i < n; i++) {
      base = Math.min(base, times[i]!);
      latest = Math.max(latest, times[i]!);
    }
    if (Math.round(latest - base) < 2 ** 32) {
      const offsets = new Uint32Array(n);
      for (let i = 0; i < n; i++) offsets[i] = Math.round(times[i]! - base);
      const { keys, order } = stableOrder(offsets);
      for (let i = 0; i < n; i++) yield _planned(base + keys[i]!, refs[order[i]!]!);
      return;
    }
    const offsets = new Float64Array(n);
    for (let i = 0; i < n; i++) offsets[i] = Math.round(times[i]! - base);
    const order = new Uint32Array(n).map((_, i) => i)
      .sort((a, b) => offsets[a]! - offsets[b]! || a - b);
    for (const i of order) yield _planned(base + offsets[i]!, refs[i]!);
  }

  #push(ms: number, ref: number): void {
    if (this.#length === this.#times.length) {
      const times = new Float64Array(this.#times.length * 2);
      times.set(this.#times);
      this.#times = times;
      const refs = new Uint32Array(this.#refs.length * 2);
      refs.set(this.#refs);
      this.#refs = refs;
    }
    this.#times[this.#length] = ms;
    this.#refs[this.#length++] = ref;
  }
}

/** The event a ref, `(trip * 3 + type) * 2 + duplicate`, stands for. */
function _planned(sendMs: number, ref: number): PlannedEvent {
  const slot = ref >>> 1;
  return {
    trip: Math.floor(slot / 3),
    type: TRIP_EVENT_TYPES[slot % 3]!,
    sendMs,
    duplicate: (ref & 1) === 1,
  };
}

const RADIX_BITS = 11;
const RADIX_MASK = (1 << RADIX_BITS) - 1;

/**
 * A stable sort of `keys` (consumed: it is reused as scratch): the keys in
 * ascending order and, for each, its index in the input, equal keys in input
 * order. An LSD radix sort, three passes of 11 bits, each skipped when every
 * key has the same digit: a typed array sort of 64-bit (time, ref) entries
 * took seconds per 9 M events, most of it in BigInt conversions.
 *
 * @example
 * ```ts
 * import { stableOrder } from "./replay_plan.ts";
 * import assert from "node:assert";
 * const { keys, order } = stableOrder(new Uint32Array([5, 1, 5, 0]));
 * assert.deepEqual([...keys], [0, 1, 5, 5]);
 * assert.deepEqual([...order], [3, 1, 0, 2]);
 * ```
 */
export function stableOrder(keys: Uint32Array): { keys: Uint32Array; order: Uint32Array } {
  const n = keys.length;
  const counts = new Uint32Array(3 << RADIX_BITS);
  for (let i = 0; i < n; i++) {
    const key = keys[i]!;
    counts[key & RADIX_MASK]!++;
    counts[(1 << RADIX_BITS) + ((key >>> RADIX_BITS) & RADIX_MASK)]!++;
    counts[(2 << RADIX_BITS) + (key >>> (2 * RADIX_BITS))]!++;
  }
  let fromKeys: Uint32Array = keys, fromOrder: Uint32Array = new Uint32Array(n).map((_, i) => i);
  let toKeys: Uint32Array = new Uint32Array(n), toOrder: Uint32Array = new Uint32Array(n);
  for (let pass = 0; pass < 3; pass++) {
    const shift = pass * RADIX_BITS, at = pass << RADIX_BITS;
    const starts = counts.subarray(at, at + (1 << RADIX_BITS));
    if (starts.includes(n)) continue;
    for (let digit = 0, sum = 0; digit < starts.length; digit++) {
      const count = starts[digit]!;
      starts[digit] = sum;
      sum += count;
    }
    for (let i = 0; i < n; i++) {
      const key = fromKeys[i]!;
      const to = starts[(key >>> shift) & RADIX_MASK]!++;
      toKeys[to] = key;
      toOrder[to] = fromOrder[i]!;
    }
    [fromKeys, toKeys] = [toKeys, fromKeys];
    [fromOrder, toOrder] = [toOrder, fromOrder];
  }
  return { keys: fromKeys, order: fromOrder };
}

/**
 * A small seeded pseudo-random generator (mulberry32) returning 0 <= x < 1.
 *
 * @example
 * ```ts
 * import { mulberry32 } from "./replay_plan.ts";
 * import assert from "node:assert";
 * const a = mulberry32(7), b = mulberry32(7), c = mulberry32(8);
 * const draws = Array.from({ length: 1000 }, () => a());
 * assert.ok(draws.every((x) => x >= 0 && x < 1));
 * assert.deepEqual(Array.from({ length: 1000 }, () => b()), draws); // same seed, same draws
 * assert.notEqual(c(), draws[0]);
 * assert.equal(draws[0], 0.011704753153026104); // replays stay reproducible across versions
 * ```
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
