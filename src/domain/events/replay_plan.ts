/**
 * The order in which a replay emits events: event time across all trips, with
 * optional, seeded disorder (bounded shuffle, duplicates, late payments,
 * dropped events). Compact: one 64-bit sort entry per emitted event, not one
 * object, so a 3 M-trip month costs about 200 MB.
 *
 * @module
 */
import { TRIP_EVENT_TYPES, type TripEventType } from "../../../schemas/trip_event.ts";

/** Disorder to inject; all rates are probabilities in 0..1. */
export interface ReplayDisorder {
  /** Events may leave up to this much later than their event time, ms (bounded out-of-order). @default 0 */
  shuffleWindowMs?: number;
  /** Share of events sent twice (the copy within the shuffle window, or a minute). @default 0 */
  duplicateRate?: number;
  /** Share of `payment_processed` events delayed by `lateByMs`. @default 0 */
  lateRate?: number;
  /** How late a late payment is, ms. @default 0 */
  lateByMs?: number;
  /** Share of trips that lose one of their events (chosen at random). @default 0 */
  dropRate?: number;
  /** Seed of the pseudo-random choices: the same seed and input give the same replay. @default 1 */
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
    if (late && !(drop && dropped === 2)) this.counts.late++;
    return trip;
  }

  /**
   * The planned events, by send time (ties: trip order, then event type
   * order). Each event usually becomes one integer, its send offset in whole
   * ms above its ref, which a typed array sorts natively; a plan whose offsets
   * and refs do not fit 64 bits together (a file spanning decades, as rows
   * without a period may) takes a comparator sort to the same order.
   */
  *plan(): Generator<PlannedEvent, void, undefined> {
    const n = this.#length, times = this.#times, refs = this.#refs;
    if (n === 0) return;
    let base = Infinity, latest = -Infinity;
    for (let i = 0; i < n; i++) {
      base = Math.min(base, times[i]!);
      latest = Math.max(latest, times[i]!);
    }
    // Every ref is below 6 × trips; rounding keeps the latest time's offset the largest.
    const refBits = BigInt(32 - Math.clz32(6 * this.#trips - 1));
    if (BigInt(Math.round(latest - base)) >> (64n - refBits) === 0n) {
      const entries = new BigUint64Array(n);
      for (let i = 0; i < n; i++) {
        entries[i] = (BigInt(Math.round(times[i]! - base)) << refBits) | BigInt(refs[i]!);
      }
      entries.sort();
      const refMask = (1n << refBits) - 1n;
      for (const entry of entries) {
        yield _planned(base + Number(entry >> refBits), Number(entry & refMask));
      }
      return;
    }
    const offsets = new Float64Array(n);
    for (let i = 0; i < n; i++) offsets[i] = Math.round(times[i]! - base);
    const order = new Uint32Array(n).map((_, i) => i)
      .sort((a, b) => offsets[a]! - offsets[b]! || refs[a]! - refs[b]!);
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

/**
 * A small seeded pseudo-random generator (mulberry32) returning 0 <= x < 1.
 *
 * @example
 * ```ts
 * import { mulberry32 } from "./replay_plan.ts";
 * import assert from "node:assert";
 * assert.equal(mulberry32(7)(), mulberry32(7)());
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
