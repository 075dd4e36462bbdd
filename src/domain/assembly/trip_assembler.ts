/**
 * The assembler's state machine over partial trips (contract section 4).
 *
 * Events arrive in any order, possibly more than once. A trip is complete when
 * one event of each type is present. An event-time watermark (the latest event
 * time seen minus the allowed lateness) expires partial trips whose first
 * event is at least `timeoutMs` older than it; an expired trip still completes
 * if its missing events arrive later.
 *
 * @module
 */
import type { RawTrip } from "../../../schemas/raw_trip.ts";
import {
  TRIP_EVENT_TYPES,
  type TripEvent,
  type TripEventType,
} from "../../../schemas/trip_event.ts";
import {
  type CompleteEvents,
  eventTimeMismatch,
  refusedRows,
  rowOfEvents,
} from "../events/events_to_trip.ts";
import { fromNaiveIso } from "../events/naive_time.ts";

/** The events received so far for one trip. */
export interface PartialTrip {
  trip_key: string;
  /** At most one event per type (the first received). */
  events: Partial<Record<TripEventType, TripEvent>>;
  /** Earliest event time among `events`, naive epoch ms. */
  first_event_ms: number;
  /** Whether the trip already expired (it is in `incomplete_trips`). */
  expired: boolean;
}

/** A trip whose three events are present. */
export interface CompletedTrip {
  trip_key: string;
  row: RawTrip;
  /** `YYYY-MM`. */
  period: string;
  source_file: string;
  events: CompleteEvents;
  /** Whether it had expired before completing (so it leaves `incomplete_trips`). */
  was_expired: boolean;
}

/**
 * Events that cannot form a trip: they rebuild a row with another key, or one
 * curation rejects, or their payment is not at their dropoff.
 */
export interface InvalidTrip {
  trip_key: string;
  error: string;
  events: TripEvent[];
  /** Whether it had expired before its last event came (so it leaves `incomplete_trips`). */
  was_expired: boolean;
}

/** What {@linkcode TripAssembler.add} did with an event. */
export type AddOutcome = "completed" | "pending" | "duplicate" | "done" | "invalid";

/** Options of {@linkcode TripAssembler}. */
export interface TripAssemblerOptions {
  /** How far behind the latest event time the watermark stays, ms. */
  latenessMs: number;
  /** How long a partial trip may wait for its missing events, ms, measured on the watermark. */
  timeoutMs: number;
  /** The latest event time seen before (restored state). @default -Infinity */
  maxEventMs?: number;
}

/**
 * Assembles trips from their events.
 *
 * @example
 * ```ts ignore
 * const assembler = new TripAssembler({ latenessMs: 600_000, timeoutMs: 25_200_000 });
 * for (const event of events) assembler.add(event);
 * const trips = assembler.takeCompleted();
 * const expired = assembler.expire();
 * ```
 */
export class TripAssembler {
  #options: TripAssemblerOptions;
  #maxEventMs: number;
  #partials = new Map<string, PartialTrip>();
  #done = new Set<string>();
  #completed: CompletedTrip[] = [];
  #invalid: InvalidTrip[] = [];

  /** Creates an empty assembler. */
  constructor(options: TripAssemblerOptions) {
    this.#options = options;
    this.#maxEventMs = options.maxEventMs ?? -Infinity;
  }

  /** The latest event time seen, naive epoch ms (`-Infinity` before any event). */
  get maxEventMs(): number {
    return this.#maxEventMs;
  }

  /** The event-time watermark: latest event time minus the allowed lateness. */
  get watermark(): number {
    return this.#maxEventMs - this.#options.latenessMs;
  }

  /** Partial trips whose first event is at or before this time are due to expire. */
  get expiryCutoff(): number {
    return this.watermark - this.#options.timeoutMs;
  }

  /** Restores a partial trip known from earlier (merged with what is already held). */
  load(partial: PartialTrip): void {
    const held = this.#partials.get(partial.trip_key);
    if (held === undefined) {
      this.#partials.set(partial.trip_key, { ...partial, events: { ...partial.events } });
      return;
    }
    for (const type of TRIP_EVENT_TYPES) held.events[type] ??= partial.events[type] as never;
    held.first_event_ms = Math.min(held.first_event_ms, partial.first_event_ms);
    held.expired ||= partial.expired;
  }

  /** Records trips already stored as complete: their events are ignored from now on. */
  markDone(tripKeys: Iterable<string>): void {
    for (const key of tripKeys) {
      this.#done.add(key);
      this.#partials.delete(key);
    }
  }

  /**
   * Adds one event. The watermark moves with the times of `trip_started` and
   * `trip_ended` events, which callers check against the events' own pickup
   * and dropoff ({@linkcode eventTimeMismatch}); a payment's time can only be
   * checked when its trip completes, too late to take back a watermark that
   * one forged time would have moved forever.
   */
  add(event: TripEvent): AddOutcome {
    const ms = fromNaiveIso(event.event_ts);
    if (ms > this.#maxEventMs && event.event_type !== "payment_processed") this.#maxEventMs = ms;
    const key = event.trip_key;
    if (this.#done.has(key)) return "done";
    let partial = this.#partials.get(key);
    if (partial === undefined) {
      partial = { trip_key: key, events: {}, first_event_ms: ms, expired: false };
      this.#partials.set(key, partial);
    }
    if (partial.events[event.event_type] !== undefined) return "duplicate";
    (partial.events as Record<TripEventType, TripEvent>)[event.event_type] = event;
    if (ms < partial.first_event_ms) partial.first_event_ms = ms;
    return this.#tryComplete(partial);
  }

  /**
   * Completed trips since the last call, in completion order. Their rows'
   * keys and curation rules are checked here, in bulk: a trip whose row does
   * not hash to its key, that curation would reject, or whose payment is not
   * at its dropoff, moves to {@linkcode TripAssembler.takeInvalid} instead.
   */
  takeCompleted(): CompletedTrip[] {
    const completed = this.#completed;
    this.#completed = [];
    const refused = refusedRows(
      completed.map((t) => t.row),
      completed.map((t) => t.trip_key),
      completed.map((t) => t.period),
    );
    completed.forEach(({ events }, i) => {
      const offTime = eventTimeMismatch(events.payment_processed, events.trip_ended);
      if (offTime !== undefined && !refused.has(i)) refused.set(i, `its payment: ${offTime}`);
    });
    if (refused.size === 0) return completed;
    for (const [i, why] of refused) {
      const trip = completed[i]!;
      const error = new TypeError(`Cannot assemble trip "${trip.trip_key}": ${why}`);
      this.#invalid.push(_invalid(trip.trip_key, error, trip.events, trip.was_expired));
    }
    return completed.filter((_, i) => !refused.has(i));
  }

  /** Invalid trips since the last call (call after {@linkcode TripAssembler.takeCompleted}). */
  takeInvalid(): InvalidTrip[] {
    const invalid = this.#invalid;
    this.#invalid = [];
    return invalid;
  }

  /** Expires the partial trips due at the current watermark and returns them. */
  expire(): PartialTrip[] {
    return this.#expireWhere((partial) => partial.first_event_ms <= this.expiryCutoff);
  }

  /** Expires every partial trip (end of input) and returns them. */
  expireAll(): PartialTrip[] {
    return this.#expireWhere(() => true);
  }

  /** The partial trip held for a key. */
  get(tripKey: string): PartialTrip | undefined {
    return this.#partials.get(tripKey);
  }

  /** Every partial trip held, live and expired. */
  partials(): PartialTrip[] {
    return [...this.#partials.values()];
  }

  #expireWhere(due: (partial: PartialTrip) => boolean): PartialTrip[] {
    const expired: PartialTrip[] = [];
    for (const partial of this.#partials.values()) {
      if (!partial.expired && due(partial)) {
        partial.expired = true;
        expired.push(partial);
      }
    }
    return expired;
  }

  #tryComplete(partial: PartialTrip): AddOutcome {
    const { trip_started, trip_ended, payment_processed } = partial.events;
    if (!trip_started || !trip_ended || !payment_processed) return "pending";
    const events = { trip_started, trip_ended, payment_processed } as CompleteEvents;
    this.#partials.delete(partial.trip_key);
    this.#done.add(partial.trip_key);
    try {
      this.#completed.push({
        trip_key: partial.trip_key,
        row: rowOfEvents(events),
        period: trip_started.period,
        source_file: trip_started.source_file,
        events,
        was_expired: partial.expired,
      });
      return "completed";
    } catch (error) {
      this.#invalid.push(_invalid(partial.trip_key, error, events, partial.expired));
      return "invalid";
    }
  }
}

function _invalid(
  tripKey: string,
  error: unknown,
  events: CompleteEvents,
  wasExpired: boolean,
): InvalidTrip {
  const message = error instanceof Error ? error.message : String(error);
  return {
    trip_key: tripKey,
    error: message,
    events: [...Object.values(events)],
    was_expired: wasExpired,
  };
}

/**
 * The event types a partial trip still lacks, in emission order.
 *
 * @example
 * ```ts
 * import { missingTypes } from "./trip_assembler.ts";
 * import assert from "node:assert";
 * const partial = { trip_key: "k", events: {}, first_event_ms: 0, expired: false };
 * assert.deepEqual(missingTypes(partial), ["trip_started", "trip_ended", "payment_processed"]);
 * ```
 */
export function missingTypes(partial: PartialTrip): TripEventType[] {
  return TRIP_EVENT_TYPES.filter((type) => partial.events[type] === undefined);
}
