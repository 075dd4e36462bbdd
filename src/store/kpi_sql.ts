/**
 * The one KPI computation (contract section 5), shared by the batch aggregate
 * and the stream assembler so both produce identical `zone_hourly_kpis` rows.
 *
 * Every sum is exact (`numeric`, or `bigint` summed into `numeric`) and
 * every average is one division rounded to 4 decimals, so the result does
 * not depend on row order or on which path inserted the trips.
 *
 * The three `double precision` terms (distance, duration, speed) are summed as
 * whole numbers of a small unit (millionths of a mile and of a second,
 * billionths of a km/h) rather than cast to `numeric` row by row: PostgreSQL
 * casts a float to `numeric` through its text form, which made those casts
 * most of the aggregate's cost (a 3 M-row month on 2 cores: 7.4 s, now 1.9 s).
 * TLC distances carry 2 decimals and durations whole microseconds, so the
 * first two sums are those of the exact values.
 *
 * @module
 */

import type { SqlClient } from "../ports/store.ts";

/** One pickup zone x hour whose KPIs must be recomputed. */
export interface ZoneHour {
  /** Pickup zone (`pu_location_id`). */
  zoneId: number;
  /**
   * Start of the hour (or any instant in it): naive text `YYYY-MM-DD HH:MM:SS`
   * or naive epoch milliseconds (New York wall clock read as UTC).
   */
  hourTs: string | number;
}

const KPI_COLUMNS = `period, zone_id, hour_ts, trips, revenue, avg_fare, avg_tip, avg_distance_km,
  avg_duration_min, avg_speed_kmh, pct_card, passengers`;

/**
 * The `INSERT ... SELECT` computing KPIs of the accepted trips matching
 * `filter` (a condition on `trips t`, possibly using `$n` parameters).
 *
 * @param filter SQL condition on alias `t`.
 * @returns The statement.
 *
 * @example
 * ```ts
 * import { kpiInsertSql } from "./kpi_sql.ts";
 * import assert from "node:assert";
 * assert.match(kpiInsertSql("t.period = $1::date"), /where t\.period = \$1::date/);
 * ```
 */
export function kpiInsertSql(filter: string): string {
  return `insert into zone_hourly_kpis (${KPI_COLUMNS})
select t.period, t.pu_location_id, date_trunc('hour', t.pickup_ts),
  count(*)::int,
  sum(t.total_amount),
  round(avg(t.fare_amount), 4),
  round(avg(t.tip_amount), 4),
  round(sum(round(t.trip_distance * 1e6::float8)::int8) * 0.000001609344 / count(*), 4),
  round(sum(round(t.duration_s * 1e6::float8)::int8) / (60000000 * count(*)), 4),
  round(sum(round(t.trip_distance * 1.609344e9::float8 / (t.duration_s / 3600))::int8)
    / (1000000000 * count(*)), 4),
  round(100.0 * count(*) filter (where t.payment_type = 1) / count(*), 4),
  sum(coalesce(t.passenger_count, 0))
from trips t
where ${filter}
group by t.period, t.pu_location_id, date_trunc('hour', t.pickup_ts)`;
}

/**
 * Replaces every KPI row of one period with rows recomputed from its trips
 * (both trip types). Call inside a transaction.
 *
 * @param tx A client inside a transaction.
 * @param period `YYYY-MM` (or its first day, `YYYY-MM-01`).
 * @returns The number of KPI rows written.
 *
 * @example
 * ```ts ignore
 * await store.transaction((tx) => recomputePeriodKpis(tx, "2024-01"));
 * ```
 */
export async function recomputePeriodKpis(tx: SqlClient, period: string): Promise<number> {
  const day = /^\d{4}-\d{2}$/.test(period) ? `${period}-01` : period;
  await tx.query("delete from zone_hourly_kpis where period = $1::date", [day]);
  const [row] = await tx.query<{ n: number }>(
    `with written as (${kpiInsertSql("t.period = $1::date")} returning 1)
     select count(*)::int as n from written`,
    [day],
  );
  return row.n;
}

/**
 * Replaces the KPI rows of exactly the given zone-hours with rows recomputed
 * from the trips now in them (a zone-hour left without trips loses its row).
 * Call inside a transaction.
 *
 * @param tx A client inside a transaction.
 * @param pairs The zone-hours touched (duplicates are harmless).
 * @returns The number of KPI rows written.
 *
 * @example
 * ```ts ignore
 * await store.transaction((tx) =>
 *   recomputeHourKpis(tx, [{ zoneId: 132, hourTs: "2024-01-01 05:00:00" }])
 * );
 * ```
 */
export async function recomputeHourKpis(
  tx: SqlClient,
  pairs: readonly ZoneHour[],
): Promise<number> {
  if (pairs.length === 0) return 0;
  const json = _pairsJson(pairs);
  const hours = `select distinct z, date_trunc('hour', h) as h
    from jsonb_to_recordset($1::jsonb) as p(z int, h timestamp)`;
  await tx.query(
    `delete from zone_hourly_kpis k using (${hours}) p where k.zone_id = p.z and k.hour_ts = p.h`,
    [json],
  );
  // The period condition lets the planner use trips_period_type_idx.
  const [row] = await tx.query<{ n: number }>(
    `with p as (${hours}),
     written as (${
      kpiInsertSql(
        `t.period in (select distinct date_trunc('month', h)::date from p)
         and (t.pu_location_id, date_trunc('hour', t.pickup_ts)) in (select z, h from p)`,
      )
    } returning 1)
     select count(*)::int as n from written`,
    [json],
  );
  return row.n;
}

function _naiveText(hourTs: string | number): string {
  return typeof hourTs === "number" ? new Date(hourTs).toISOString().slice(0, 19) : hourTs;
}

/**
 * Marks zone-hours whose trips changed, for {@linkcode refreshStaleHourKpis}
 * to recompute. Call in the transaction that changed the trips, so a mark
 * commits (or rolls back) with them.
 *
 * @param tx A client inside a transaction.
 * @param pairs The zone-hours touched (duplicates are harmless).
 *
 * @example
 * ```ts ignore
 * await store.transaction((tx) =>
 *   markHourKpisStale(tx, [{ zoneId: 132, hourTs: "2024-01-01 05:00:00" }])
 * );
 * ```
 */
export async function markHourKpisStale(
  tx: SqlClient,
  pairs: readonly ZoneHour[],
): Promise<void> {
  if (pairs.length === 0) return;
  await tx.query(
    `insert into kpi_stale_hours (zone_id, hour_ts)
     select distinct z, date_trunc('hour', h) from jsonb_to_recordset($1::jsonb) as p(z int, h timestamp)`,
    [_pairsJson(pairs)],
  );
}

/** Marks a {@linkcode refreshStaleHourKpis} consumes unless told otherwise. */
export const STALE_MARKS_PER_REFRESH = 20_000;

/**
 * Recomputes the KPIs of up to `limit` stale zone-hour marks (oldest first)
 * and deletes those marks, in the caller's transaction. Refreshes of one
 * schema take turns (an advisory lock), and a refresh deletes the marks
 * before it recomputes: under read committed, the recompute then sees every
 * trip committed with a deleted mark, while a mark committed later stays for
 * the next refresh.
 *
 * @param tx A client inside a transaction.
 * @param limit Most marks consumed.
 * @returns The number of marks consumed: fewer than `limit` means none were left.
 *
 * @example
 * ```ts ignore
 * while (await store.transaction(refreshStaleHourKpis) === STALE_MARKS_PER_REFRESH) {}
 * ```
 */
export async function refreshStaleHourKpis(
  tx: SqlClient,
  limit = STALE_MARKS_PER_REFRESH,
): Promise<number> {
  await tx.query(
    "select pg_advisory_xact_lock(hashtext('chillflow.kpi_refresh.' || current_schema()))",
  );
  const marks = await tx.query<{ z: number; h: string }>(
    `delete from kpi_stale_hours
     where stamp in (select stamp from kpi_stale_hours order by stamp limit $1)
     returning zone_id as z, to_char(hour_ts, 'YYYY-MM-DD HH24:MI:SS') as h`,
    [limit],
  );
  await recomputeHourKpis(tx, marks.map((m) => ({ zoneId: m.z, hourTs: m.h })));
  return marks.length;
}

function _pairsJson(pairs: readonly ZoneHour[]): string {
  return JSON.stringify(pairs.map((p) => ({ z: p.zoneId, h: _naiveText(p.hourTs) })));
}
