/**
 * The one KPI computation (contract section 5), shared by the batch aggregate
 * and the stream assembler so both produce identical `zone_hourly_kpis` rows.
 *
 * Both derive a zone-hour's KPIs from the same whole-number sums with the
 * same formulas ({@linkcode kpiInsertSql}): the batch aggregate sums the
 * trips in SQL, the stream assembler adds each round's trips to
 * `kpi_hour_sums` (sums from `hourSumsOf`, in the round's transaction) and
 * recomputes the zone-hours it touched from there, so keeping the KPIs
 * current never reads the trips again. Every sum is exact and every average
 * one division rounded to 4 decimals, so the result depends neither on row
 * order nor on which path inserted the trips.
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

import type { HourSums } from "../domain/kpis/hour_sums.ts";
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

/** The columns of a sums relation after (period, zone_id, hour_ts): counts `bigint`, sums `numeric`. */
const _SUMS = [
  "trips",
  "revenue_cents",
  "fare_trips",
  "fare_cents",
  "tip_trips",
  "tip_cents",
  "distance_um",
  "duration_us",
  "speed_nkmh",
  "card_trips",
  "passengers",
];
const _COUNTS = new Set(["trips", "fare_trips", "tip_trips", "card_trips"]);

/**
 * The sums of the accepted trips matching `filter` (a condition on `trips t`),
 * by period, pickup zone and pickup hour: the terms `hourSumsOf` computes in
 * memory, over the values stored.
 */
function _tripSumsSql(filter: string): string {
  return `select t.period, t.pu_location_id as zone_id, date_trunc('hour', t.pickup_ts) as hour_ts,
  count(*) as trips,
  sum((t.total_amount * 100)::int8) as revenue_cents,
  count(t.fare_amount) as fare_trips,
  sum((t.fare_amount * 100)::int8) as fare_cents,
  count(t.tip_amount) as tip_trips,
  sum((t.tip_amount * 100)::int8) as tip_cents,
  sum(round(t.trip_distance * 1e6::float8)::int8) as distance_um,
  sum(round(t.duration_s * 1e6::float8)::int8) as duration_us,
  sum(round(t.trip_distance * 1.609344e9::float8 / (t.duration_s / 3600))::int8) as speed_nkmh,
  count(*) filter (where t.payment_type = 1) as card_trips,
  sum(coalesce(t.passenger_count, 0)) as passengers
from trips t
where ${filter}
group by t.period, t.pu_location_id, date_trunc('hour', t.pickup_ts)`;
}

/** The `INSERT ... SELECT` of the KPIs of each row of `sums` (a sums relation). */
function _kpiFromSumsSql(sums: string): string {
  return `insert into zone_hourly_kpis (${KPI_COLUMNS})
select s.period, s.zone_id, s.hour_ts,
  s.trips::int,
  s.revenue_cents * 0.01,
  round(s.fare_cents * 0.01 / nullif(s.fare_trips, 0), 4),
  round(s.tip_cents * 0.01 / nullif(s.tip_trips, 0), 4),
  round(s.distance_um * 0.000001609344 / s.trips, 4),
  round(s.duration_us / (60000000 * s.trips), 4),
  round(s.speed_nkmh / (1000000000 * s.trips), 4),
  round(100.0 * s.card_trips / s.trips, 4),
  s.passengers
from (${sums}) s`;
}

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
  return _kpiFromSumsSql(_tripSumsSql(filter));
}

/** Serializes the transactions that write `zone_hourly_kpis` in one schema. */
const KPI_WRITE_LOCK =
  "select pg_advisory_xact_lock(hashtext('chillflow.kpi_refresh.' || current_schema()))";

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
  // The lock of every KPI writer: two recomputes, or one and a stream refresh of the
  // same zone-hours, would otherwise both insert rows the other has not committed yet.
  await tx.query(KPI_WRITE_LOCK);
  await tx.query("delete from zone_hourly_kpis where period = $1::date", [day]);
  const [row] = await tx.query<{ n: number }>(
    `with written as (${kpiInsertSql("t.period = $1::date")} returning 1)
     select count(*)::int as n from written`,
    [day],
  );
  return row.n;
}

/**
 * Replaces the KPI rows of exactly the given zone-hours with rows computed
 * from their sums in `kpi_hour_sums` (a zone-hour without sums loses its
 * row). Call inside a transaction.
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
  const [row] = await tx.query<{ n: number }>(
    `with p as (${hours}),
     written as (${
      _kpiFromSumsSql(
        `select period, zone_id, hour_ts, ${
          _SUMS.map((c) => _COUNTS.has(c) ? `sum(${c})::int8 as ${c}` : `sum(${c}) as ${c}`)
        }
         from kpi_hour_sums where (zone_id, hour_ts) in (select z, h from p)
         group by period, zone_id, hour_ts`,
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

/** Sums to add to the `kpi_hour_sums` rows of one source. */
export interface SourceSums {
  /** Number of the writer's rows (an assembler: the partition whose lock it holds). */
  source: number;
  /** The trips' sums (`hourSumsOf`), at most one per period and zone-hour. */
  sums: readonly HourSums[];
}

/**
 * Adds the sums of trips just written to `kpi_hour_sums` and marks their
 * zone-hours stale (once each), for {@linkcode refreshStaleHourKpis} to
 * recompute. Call in the transaction that wrote the trips, so the sums and
 * marks commit (or roll back) with them.
 *
 * Each writer adds to rows of its own sources, so concurrent rounds never
 * wait for each other's rows; the KPIs add up the rows of every source.
 *
 * @param tx A client inside a transaction.
 * @param parts The sums to add, by source (each source once).
 *
 * @example
 * ```ts ignore
 * await store.transaction((tx) => addHourSums(tx, [{ source: 3, sums: hourSumsOf(trips) }]));
 * ```
 */
export async function addHourSums(tx: SqlClient, parts: readonly SourceSums[]): Promise<void> {
  const rows = parts.flatMap(({ source, sums }) =>
    sums.map((s) => ({
      source,
      period: `${s.period}-01`,
      zone_id: s.zoneId,
      hour_ts: _naiveText(s.hourMs),
      trips: s.trips,
      revenue_cents: String(s.revenueCents),
      fare_trips: s.fareTrips,
      fare_cents: String(s.fareCents),
      tip_trips: s.tipTrips,
      tip_cents: String(s.tipCents),
      distance_um: String(s.distanceMicromiles),
      duration_us: String(s.durationMicros),
      speed_nkmh: String(s.speedNanoKmh),
      card_trips: s.cardTrips,
      passengers: s.passengers,
    }))
  );
  if (rows.length === 0) return;
  const types = _SUMS.map((c) => `${c} ${_COUNTS.has(c) ? "int8" : "numeric"}`);
  await tx.query(
    `with x as (
       select * from jsonb_to_recordset($1::text::jsonb)
         as x(source int, period date, zone_id int, hour_ts timestamp, ${types})),
     added as (
       insert into kpi_hour_sums (source, period, zone_id, hour_ts, ${_SUMS})
       select source, period, zone_id, hour_ts, ${_SUMS} from x
       on conflict (zone_id, hour_ts, period, source) do update set
         ${_SUMS.map((c) => `${c} = kpi_hour_sums.${c} + excluded.${c}`)})
     insert into kpi_stale_hours (zone_id, hour_ts) select distinct zone_id, hour_ts from x`,
    [JSON.stringify(rows)],
  );
}

/** Marks a {@linkcode refreshStaleHourKpis} consumes unless told otherwise. */
export const STALE_MARKS_PER_REFRESH = 20_000;

/**
 * Recomputes the KPIs of up to `limit` stale zone-hour marks (oldest first)
 * and deletes those marks, in the caller's transaction. Refreshes of one
 * schema take turns (an advisory lock), and a refresh deletes the marks
 * before it recomputes: under read committed, the recompute then sees the
 * sums committed with every deleted mark, while a mark committed later stays
 * for the next refresh.
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
  await tx.query(KPI_WRITE_LOCK);
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
