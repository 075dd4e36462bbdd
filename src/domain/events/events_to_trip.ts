/**
 * Rebuilds the raw row of a trip from its three events, and proves it is the
 * same row by recomputing its `trip_key`.
 *
 * @module
 */
import { type RawTrip, TRIP_TYPES } from "../../../schemas/raw_trip.ts";
import type {
  PaymentProcessedEvent,
  TripEndedEvent,
  TripEvent,
  TripStartedEvent,
} from "../../../schemas/trip_event.ts";
import { passesRowRules } from "../curation/curate_batch.ts";
import { unstorableField } from "../curation/storable.ts";
import { keyHex, tripKeyDigests } from "../curation/trip_key.ts";
import { batchFromRows } from "../raw_trip_batch.ts";
import { fromNaiveIso } from "./naive_time.ts";

/** One event of each type, all of the same trip. */
export interface CompleteEvents {
  /** The pickup side of the row. */
  trip_started: TripStartedEvent;
  /** The dropoff side of the row. */
  trip_ended: TripEndedEvent;
  /** The payment type and money fields of the row. */
  payment_processed: PaymentProcessedEvent;
}

/**
 * The raw row the events were made of, checked as the assembler checks it:
 * its recomputed `trip_key` must equal the events', curation must accept it
 * in its period, and each event's time must be its pickup or dropoff.
 *
 * @throws {TypeError} When the events belong to different trips, or fail one
 * of those checks (a tampered, forged or lossy event).
 * @example
 * ```ts
 * import { tripKey } from "../curation/trip_key.ts";
 * import { eventsToTrip } from "./events_to_trip.ts";
 * import { tripToEvents } from "./trip_to_events.ts";
 * import assert from "node:assert/strict";
 * const row = {
 *   trip_type: "green", vendor_id: 2, pickup_ts: Date.UTC(2024, 0, 1, 0, 57, 55),
 *   dropoff_ts: Date.UTC(2024, 0, 1, 1, 17, 43), passenger_count: 1, trip_distance: 2.58,
 *   ratecode_id: 1, store_and_fwd_flag: "N", pu_location_id: 236, do_location_id: 239,
 *   payment_type: 2, fare_amount: 12.8, extra: 1, mta_tax: 0.5, tip_amount: 0, tolls_amount: 0,
 *   improvement_surcharge: 1, total_amount: 17.05, congestion_surcharge: 2.75, airport_fee: null,
 *   cbd_congestion_fee: null, ehail_fee: null, trip_type_code: 1,
 * } as const;
 * const origin = { tripKey: tripKey(row), period: "2024-01", sourceFile: "g.parquet" };
 * const [trip_started, trip_ended, payment_processed] = tripToEvents(row, origin);
 * assert.deepEqual(eventsToTrip({ trip_started, trip_ended, payment_processed }), row);
 * const tampered = { ...payment_processed, data: { ...payment_processed.data, tip_amount: 5 } };
 * assert.throws(
 *   () => eventsToTrip({ trip_started, trip_ended, payment_processed: tampered }),
 *   /another key/,
 * );
 * ```
 */
export function eventsToTrip(events: CompleteEvents): RawTrip {
  const row = rowOfEvents(events);
  const { trip_started: started, trip_ended: ended, payment_processed: paid } = events;
  const why = refusedRows([row], [started.trip_key], [started.period]).get(0) ??
    eventTimeMismatch(started) ?? eventTimeMismatch(ended) ?? eventTimeMismatch(paid, ended);
  if (why !== undefined) throw new TypeError(`Cannot assemble trip "${started.trip_key}": ${why}`);
  return row;
}

/**
 * The raw row the events were made of, without the key check (callers check
 * keys and rules in bulk with {@linkcode refusedRows}).
 *
 * @throws {TypeError} When the events belong to different trips.
 * @example
 * ```ts ignore
 * const row = rowOfEvents({ trip_started, trip_ended, payment_processed });
 * ```
 */
export function rowOfEvents(events: CompleteEvents): RawTrip {
  const { trip_started: started, trip_ended: ended, payment_processed: paid } = events;
  const key = started.trip_key;
  if (ended.trip_key !== key || paid.trip_key !== key) {
    throw new TypeError(`Cannot assemble trip "${key}": its events belong to different trips`);
  }
  return {
    trip_type: started.trip_type,
    vendor_id: started.data.vendor_id,
    pickup_ts: fromNaiveIso(started.data.pickup_ts),
    dropoff_ts: fromNaiveIso(ended.data.dropoff_ts),
    passenger_count: started.data.passenger_count,
    trip_distance: ended.data.trip_distance,
    ratecode_id: started.data.ratecode_id,
    store_and_fwd_flag: started.data.store_and_fwd_flag,
    pu_location_id: started.data.pu_location_id,
    do_location_id: ended.data.do_location_id,
    payment_type: paid.data.payment_type,
    fare_amount: paid.data.fare_amount,
    extra: paid.data.extra,
    mta_tax: paid.data.mta_tax,
    tip_amount: paid.data.tip_amount,
    tolls_amount: paid.data.tolls_amount,
    improvement_surcharge: paid.data.improvement_surcharge,
    total_amount: paid.data.total_amount,
    congestion_surcharge: paid.data.congestion_surcharge,
    airport_fee: paid.data.airport_fee,
    cbd_congestion_fee: paid.data.cbd_congestion_fee,
    ehail_fee: paid.data.ehail_fee,
    trip_type_code: started.data.trip_type_code,
  };
}

/**
 * Why an event's time disagrees with its own data, or `undefined`: a
 * `trip_started` happens at its pickup, a `trip_ended` and a
 * `payment_processed` at the dropoff. A payment carries no dropoff of its
 * own, so its time is checked against its trip's `trip_ended` when both are
 * given.
 *
 * @example
 * ```ts
 * import { eventTimeMismatch } from "./events_to_trip.ts";
 * import { tripToEvents } from "./trip_to_events.ts";
 * import assert from "node:assert/strict";
 * const row = {
 *   trip_type: "green", vendor_id: 2, pickup_ts: Date.UTC(2024, 0, 1, 8), passenger_count: 1,
 *   dropoff_ts: Date.UTC(2024, 0, 1, 8, 20), trip_distance: 2, ratecode_id: 1,
 *   store_and_fwd_flag: "N", pu_location_id: 1, do_location_id: 2, payment_type: 1,
 *   fare_amount: 10, extra: 0, mta_tax: 0.5, tip_amount: 0, tolls_amount: 0,
 *   improvement_surcharge: 1, total_amount: 11.5, congestion_surcharge: 0, airport_fee: null,
 *   cbd_congestion_fee: null, ehail_fee: null, trip_type_code: 1,
 * } as const;
 * const [started, ended, paid] = tripToEvents(row, {
 *   tripKey: "0".repeat(32),
 *   period: "2024-01",
 *   sourceFile: "f",
 * });
 * assert.equal(eventTimeMismatch(started), undefined);
 * assert.equal(eventTimeMismatch(paid, ended), undefined);
 * assert.match(eventTimeMismatch({ ...started, event_ts: "2030-01-01T00:00:00" })!, /pickup/);
 * assert.match(eventTimeMismatch({ ...paid, event_ts: "2030-01-01T00:00:00" }, ended)!, /dropoff/);
 * ```
 */
export function eventTimeMismatch(event: TripEvent, ended?: TripEvent): string | undefined {
  const at = event.event_type === "trip_started"
    ? { time: event.data.pickup_ts, what: "pickup" }
    : event.event_type === "trip_ended"
    ? { time: event.data.dropoff_ts, what: "dropoff" }
    : ended?.event_type === "trip_ended"
    ? { time: ended.data.dropoff_ts, what: "dropoff" }
    : undefined;
  if (at === undefined || at.time === event.event_ts) return undefined;
  return `its event_ts ${event.event_ts} is not its ${at.what} ${at.time}`;
}

/**
 * Why each refused row is refused, by position: its recomputed `trip_key`
 * differs from `keys[i]`, curation would not have accepted it (rules 1 and
 * 3-9, or a pickup outside `periods[i]`, rule 2), or `trips` cannot hold it
 * ({@linkcode unstorableField}). Events carry only accepted rows, so the
 * first two mean a forged or corrupted event; the third, a row that the batch
 * load would refuse too. Rows of a type are hashed and checked in one
 * columnar pass.
 *
 * @example
 * ```ts ignore
 * const refused = refusedRows(rows, keys, periods); // empty when every row round-trips
 * ```
 */
export function refusedRows(
  rows: readonly RawTrip[],
  keys: readonly string[],
  periods: readonly string[],
): Map<number, string> {
  const refused = new Map<number, string>();
  for (const tripType of TRIP_TYPES) {
    const at = rows.flatMap((row, i) => row.trip_type === tripType ? [i] : []);
    if (at.length === 0) continue;
    const batch = batchFromRows(at.map((i) => rows[i]!), { tripType, sourceFile: "" });
    const digests = tripKeyDigests(batch);
    at.forEach((i, j) => {
      if (keyHex(digests, j) !== keys[i]) {
        refused.set(i, "its events rebuild a row with another key");
      } else if (!passesRowRules(batch, j, periods[i])) {
        refused.set(
          i,
          passesRowRules(batch, j)
            ? `its pickup lies outside its period ${periods[i]}`
            : "its events rebuild a row that curation rejects",
        );
      } else {
        const unstorable = unstorableField(batch, j);
        if (unstorable !== undefined) {
          refused.set(i, `its events rebuild a row the trips table cannot hold: ${unstorable}`);
        }
      }
    });
  }
  return refused;
}
