/**
 * A trip written as an assembler round writes it: its `trips` row and its
 * KPI sums, in the caller's transaction (green, zone 132 to 138, 1 mile in
 * 10 minutes, $10 in all, nothing else set).
 *
 * @module
 */
import { fromNaiveIso } from "../../../src/domain/events/naive_time.ts";
import { hourSumsOf } from "../../../src/domain/kpis/hour_sums.ts";
import type { SqlClient } from "../../../src/ports/store.ts";
import { addHourSums } from "../../../src/store/kpi_sql.ts";
import { row } from "../domain/curation/_rows.ts";

/** Stores trip `key` picked up at `pickup` (naive `YYYY-MM-DD HH:MM:SS`, January 2024) with its sums. */
export async function storeTripWithSums(tx: SqlClient, key: string, pickup: string): Promise<void> {
  await tx.query(
    `insert into trips (trip_key, period, trip_type, pickup_ts, dropoff_ts, duration_s,
       trip_distance, total_amount, pu_location_id, do_location_id, source_file)
     values ($1, '2024-01-01', 'green', $2::timestamp, $2::timestamp + interval '10 minutes', 600,
       1, 10, 132, 138, 'g.parquet')`,
    [key, pickup],
  );
  const pickupMs = fromNaiveIso(pickup.replace(" ", "T"));
  const trip = row({
    vendor_id: null,
    pickup_ts: pickupMs,
    dropoff_ts: pickupMs + 600_000,
    passenger_count: null,
    trip_distance: 1,
    ratecode_id: null,
    store_and_fwd_flag: null,
    pu_location_id: 132,
    do_location_id: 138,
    payment_type: null,
    fare_amount: null,
    extra: null,
    mta_tax: null,
    tip_amount: null,
    tolls_amount: null,
    improvement_surcharge: null,
    total_amount: 10,
    congestion_surcharge: null,
    trip_type_code: null,
  });
  await addHourSums(tx, [{ source: 0, sums: hourSumsOf([{ row: trip, period: "2024-01" }]) }]);
}
