import type { RawTrip } from "../../../../schemas/raw_trip.ts";
import { tripKey } from "../../../../src/domain/curation/trip_key.ts";
import type { TripOrigin } from "../../../../src/domain/events/trip_to_events.ts";

/** A real accepted green trip (row 0 of green_tripdata_2024-01), with sub-cent money. */
export function sampleRow(overrides: Partial<RawTrip> = {}): RawTrip {
  return {
    trip_type: "green",
    vendor_id: 2,
    pickup_ts: Date.UTC(2024, 0, 1, 0, 57, 55),
    dropoff_ts: Date.UTC(2024, 0, 1, 1, 17, 43, 250),
    passenger_count: 1,
    trip_distance: 2.58,
    ratecode_id: 1,
    store_and_fwd_flag: "N",
    pu_location_id: 236,
    do_location_id: 239,
    payment_type: 2,
    fare_amount: 12.8,
    extra: 1,
    mta_tax: 0.5,
    tip_amount: 0.1 + 0.2,
    tolls_amount: 0,
    improvement_surcharge: 1,
    total_amount: 17.05,
    congestion_surcharge: 2.75,
    airport_fee: null,
    cbd_congestion_fee: null,
    ehail_fee: null,
    trip_type_code: 1,
    ...overrides,
  };
}

/** The origin of a row: its real key. */
export function originOf(row: RawTrip): TripOrigin {
  return { tripKey: tripKey(row), period: "2024-01", sourceFile: "green_tripdata_2024-01.parquet" };
}
