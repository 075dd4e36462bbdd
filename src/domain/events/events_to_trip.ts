/**
 * Rebuilds the raw row of a trip from its three events, and proves it is the
 * same row by recomputing its `trip_key`.
 *
 * @module
 */
import type { RawTrip } from "../../../schemas/raw_trip.ts";
import type {
  PaymentProcessedEvent,
  TripEndedEvent,
  TripStartedEvent,
} from "../../../schemas/trip_event.ts";
import { tripKey } from "../curation/trip_key.ts";
import { fromNaiveIso } from "./naive_time.ts";

/** One event of each type, all of the same trip. */
export interface CompleteEvents {
  trip_started: TripStartedEvent;
  trip_ended: TripEndedEvent;
  payment_processed: PaymentProcessedEvent;
}

/**
 * The raw row the events were made of.
 *
 * @throws {TypeError} When the events belong to different trips, or when the
 * rebuilt row's `trip_key` differs from the events' (a tampered or lossy event).
 * @example
 * ```ts ignore
 * const row = eventsToTrip({ trip_started, trip_ended, payment_processed });
 * ```
 */
export function eventsToTrip(events: CompleteEvents): RawTrip {
  const { trip_started: started, trip_ended: ended, payment_processed: paid } = events;
  const key = started.trip_key;
  if (ended.trip_key !== key || paid.trip_key !== key) {
    throw new TypeError(`Cannot assemble trip "${key}": its events belong to different trips`);
  }
  const row: RawTrip = {
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
  const rebuilt = tripKey(row);
  if (rebuilt !== key) {
    throw new TypeError(
      `Cannot assemble trip "${key}": its events rebuild a row keyed "${rebuilt}"`,
    );
  }
  return row;
}
