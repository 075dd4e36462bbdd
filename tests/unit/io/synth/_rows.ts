import type { RawTrip } from "../../../../schemas/raw_trip.ts";

/** A row that passes every curation rule in 2024-01 (pickup 2024-01-10 08:00, 10 min, 2 miles). */
export function cleanRow(overrides: Partial<RawTrip> = {}): RawTrip {
  const pickup = Date.UTC(2024, 0, 10, 8);
  return {
    trip_type: "green",
    vendor_id: 2,
    pickup_ts: pickup,
    dropoff_ts: pickup + 600_000,
    passenger_count: 1,
    trip_distance: 2,
    ratecode_id: 1,
    store_and_fwd_flag: "N",
    pu_location_id: 74,
    do_location_id: 75,
    payment_type: 1,
    fare_amount: 10,
    extra: 0,
    mta_tax: 0.5,
    tip_amount: 0,
    tolls_amount: 0,
    improvement_surcharge: 1,
    total_amount: 11.5,
    congestion_surcharge: 0,
    airport_fee: null,
    cbd_congestion_fee: null,
    ehail_fee: null,
    trip_type_code: 1,
    ...overrides,
  };
}
