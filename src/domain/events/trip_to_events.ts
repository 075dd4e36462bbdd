/**
 * Splits an accepted trip into its three events (contract section 4).
 *
 * @module
 */
import type { RawTrip } from "../../../schemas/raw_trip.ts";
import type {
  PaymentProcessedEvent,
  TripEndedEvent,
  TripEvent,
  TripEventEnvelope,
  TripEventType,
  TripStartedEvent,
} from "../../../schemas/trip_event.ts";
import { TRIP_EVENT_VERSION } from "../../../schemas/trip_event.ts";
import { eventId } from "./event_id.ts";
import { toNaiveIso } from "./naive_time.ts";

/** Where a trip comes from: what the envelope carries besides the row. */
export interface TripOrigin {
  /** The row's `trip_key`, as curation computed it. */
  tripKey: string;
  /** `YYYY-MM`. */
  period: string;
  /** Base name of the source file. */
  sourceFile: string;
}

/** The three events of one trip, in emission order. */
export type TripEvents = [TripStartedEvent, TripEndedEvent, PaymentProcessedEvent];

/**
 * The events of an accepted trip: `trip_started` at pickup, `trip_ended` and
 * `payment_processed` at dropoff. Each carries exactly the fields it owns.
 *
 * @throws {TypeError} When the row lacks a field curation guarantees (pickup,
 * dropoff, zones, distance, total): only accepted rows become events.
 * @example
 * ```ts
 * import { tripToEvents } from "./trip_to_events.ts";
 * import assert from "node:assert";
 * const [started] = tripToEvents({
 *   trip_type: "green", vendor_id: 2, pickup_ts: Date.UTC(2024, 0, 1, 0, 57, 55),
 *   dropoff_ts: Date.UTC(2024, 0, 1, 1, 17, 43), passenger_count: 1, trip_distance: 2.58,
 *   ratecode_id: 1, store_and_fwd_flag: "N", pu_location_id: 236, do_location_id: 239,
 *   payment_type: 2, fare_amount: 12.8, extra: 1, mta_tax: 0.5, tip_amount: 0,
 *   tolls_amount: 0, improvement_surcharge: 1, total_amount: 17.05,
 *   congestion_surcharge: 2.75, airport_fee: null, cbd_congestion_fee: null,
 *   ehail_fee: null, trip_type_code: 1,
 * }, { tripKey: "0".repeat(32), period: "2024-01", sourceFile: "g.parquet" });
 * assert.equal(started.event_ts, "2024-01-01T00:57:55");
 * ```
 */
export function tripToEvents(row: RawTrip, origin: TripOrigin): TripEvents {
  return [
    tripEvent(row, origin, "trip_started"),
    tripEvent(row, origin, "trip_ended"),
    tripEvent(row, origin, "payment_processed"),
  ];
}

/**
 * One event of an accepted trip (what {@linkcode tripToEvents} returns at
 * that type's position), for replays that emit the events at different times.
 *
 * @throws {TypeError} When the row was not accepted.
 * @example
 * ```ts
 * import { tripEvent } from "./trip_to_events.ts";
 * import assert from "node:assert";
 * const ended = tripEvent({
 *   trip_type: "yellow", vendor_id: 1, pickup_ts: Date.UTC(2025, 1, 1, 8),
 *   dropoff_ts: Date.UTC(2025, 1, 1, 8, 30), passenger_count: null, trip_distance: 3.1,
 *   ratecode_id: null, store_and_fwd_flag: null, pu_location_id: 161, do_location_id: 236,
 *   payment_type: 1, fare_amount: 20, extra: 0, mta_tax: 0.5, tip_amount: 4,
 *   tolls_amount: 0, improvement_surcharge: 1, total_amount: 28.25,
 *   congestion_surcharge: 2.5, airport_fee: 0, cbd_congestion_fee: 0.75,
 *   ehail_fee: null, trip_type_code: null,
 * }, { tripKey: "0".repeat(32), period: "2025-02", sourceFile: "y.parquet" }, "trip_ended");
 * assert.deepEqual(ended.data, {
 *   dropoff_ts: "2025-02-01T08:30:00", do_location_id: 236, trip_distance: 3.1,
 * });
 * ```
 */
export function tripEvent<T extends TripEventType>(
  row: RawTrip,
  origin: TripOrigin,
  type: T,
): Extract<TripEvent, { event_type: T }> {
  const { pickup_ts, dropoff_ts, pu_location_id, do_location_id, trip_distance, total_amount } =
    row;
  if (
    pickup_ts === null || dropoff_ts === null || pu_location_id === null ||
    do_location_id === null || trip_distance === null || total_amount === null
  ) {
    throw new TypeError(`Cannot make events of trip "${origin.tripKey}": it was not accepted`);
  }
  const ts = toNaiveIso(type === "trip_started" ? pickup_ts : dropoff_ts);
  const envelope: TripEventEnvelope = {
    v: TRIP_EVENT_VERSION,
    event_id: eventId(origin.tripKey, type),
    trip_key: origin.tripKey,
    event_ts: ts,
    trip_type: row.trip_type,
    period: origin.period,
    source_file: origin.sourceFile,
  };
  let event: TripEvent;
  if (type === "trip_started") {
    event = {
      ...envelope,
      event_type: "trip_started",
      data: {
        vendor_id: row.vendor_id,
        pickup_ts: ts,
        pu_location_id,
        passenger_count: row.passenger_count,
        ratecode_id: row.ratecode_id,
        store_and_fwd_flag: row.store_and_fwd_flag,
        trip_type_code: row.trip_type_code,
      },
    };
  } else if (type === "trip_ended") {
    event = {
      ...envelope,
      event_type: "trip_ended",
      data: { dropoff_ts: ts, do_location_id, trip_distance },
    };
  } else {
    event = {
      ...envelope,
      event_type: "payment_processed",
      data: {
        payment_type: row.payment_type,
        fare_amount: row.fare_amount,
        extra: row.extra,
        mta_tax: row.mta_tax,
        tip_amount: row.tip_amount,
        tolls_amount: row.tolls_amount,
        improvement_surcharge: row.improvement_surcharge,
        total_amount,
        congestion_surcharge: row.congestion_surcharge,
        airport_fee: row.airport_fee,
        cbd_congestion_fee: row.cbd_congestion_fee,
        ehail_fee: row.ehail_fee,
      },
    };
  }
  return event as Extract<TripEvent, { event_type: T }>;
}
