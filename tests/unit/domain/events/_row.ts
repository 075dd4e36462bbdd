import type { RawTrip } from "../../../../schemas/raw_trip.ts";
import { BASE_ROW } from "../curation/_rows.ts";
import { tripKey } from "../../../../src/domain/curation/trip_key.ts";
import type { TripOrigin } from "../../../../src/domain/events/trip_to_events.ts";

/**
 * The curation tests' base trip (row 0 of green_tripdata_2024-01) with a
 * sub-second dropoff and sub-cent money, which the event JSON must carry exactly.
 */
export function sampleRow(overrides: Partial<RawTrip> = {}): RawTrip {
  return {
    ...BASE_ROW,
    dropoff_ts: Date.UTC(2024, 0, 1, 1, 17, 43, 250),
    tip_amount: 0.1 + 0.2,
    ...overrides,
  };
}

/** The origin of a row: its real key. */
export function originOf(row: RawTrip): TripOrigin {
  return { tripKey: tripKey(row), period: "2024-01", sourceFile: "green_tripdata_2024-01.parquet" };
}
