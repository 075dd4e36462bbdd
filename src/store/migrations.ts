/**
 * The versioned schema migrations, as TypeScript strings so that `deno compile`
 * and JSR packages carry them. Never edit an applied migration: append a new
 * version instead. Names are unqualified: they resolve in the store's schema.
 *
 * @module
 */

/** One schema change, applied once per schema and recorded in `schema_migrations`. */
export interface Migration {
  /** Strictly increasing version number, starting at 1. */
  readonly version: number;
  /** Short snake_case description. */
  readonly name: string;
  /** One or more SQL statements. */
  readonly sql: string;
}

const INITIAL_TABLES = `
create table zones (
  location_id int primary key,
  borough text not null,
  zone text not null,
  service_zone text not null
);

create table trips (
  trip_key text primary key,
  period date not null,
  trip_type text not null,
  vendor_id int,
  pickup_ts timestamp not null,
  dropoff_ts timestamp not null,
  passenger_count int,
  trip_distance double precision not null,
  ratecode_id int,
  store_and_fwd_flag text,
  pu_location_id int not null,
  do_location_id int not null,
  payment_type int,
  fare_amount numeric(12,2), extra numeric(12,2), mta_tax numeric(12,2), tip_amount numeric(12,2),
  tolls_amount numeric(12,2), improvement_surcharge numeric(12,2), total_amount numeric(12,2) not null,
  congestion_surcharge numeric(12,2), airport_fee numeric(12,2), cbd_congestion_fee numeric(12,2),
  ehail_fee numeric(12,2),
  trip_type_code int,
  duration_s double precision not null,
  source_file text not null
);
create index trips_period_type_idx on trips (period, trip_type);

create table rejected_trips (
  source_file text not null,
  source_row bigint not null,
  trip_key text not null,
  period date,
  trip_type text not null,
  reason text not null,
  raw jsonb not null,
  primary key (source_file, source_row)
);
create index rejected_trips_period_idx on rejected_trips (period, trip_type);

create table incomplete_trips (
  trip_key text primary key,
  period date not null,
  trip_type text not null,
  source_file text not null,
  missing text[] not null,
  events jsonb not null,
  first_event_ts timestamp not null,
  expired_at timestamptz not null default now()
);

create table zone_hourly_kpis (
  period date not null,
  zone_id int not null,
  hour_ts timestamp not null,
  trips int not null,
  revenue numeric(14,2) not null,
  avg_fare numeric(14,4), avg_tip numeric(14,4), avg_distance_km numeric(14,4),
  avg_duration_min numeric(14,4), avg_speed_kmh numeric(14,4), pct_card numeric(7,4),
  passengers bigint not null,
  primary key (zone_id, hour_ts)
);
create index zone_hourly_kpis_period_idx on zone_hourly_kpis (period);

create table load_audit (
  load_id bigint generated always as identity primary key,
  path text not null,
  source_file text not null,
  file_sha256 text,
  period date,
  trip_type text not null,
  rows_read bigint not null,
  accepted bigint not null,
  rejected jsonb not null,
  started_at timestamptz not null,
  finished_at timestamptz not null
);
`;

/**
 * The stream assembler recomputes the KPIs of the zone-hours each batch
 * touches (`recomputeHourKpis`); this index makes that a lookup per
 * zone-hour instead of a scan of the period. (Dropped by version 4, which
 * recomputes from sums instead.)
 */
const TRIPS_ZONE_HOUR_INDEX = `
create index if not exists trips_zone_hour_idx on trips (pu_location_id, date_trunc('hour', pickup_ts));
`;

/**
 * Zone-hours whose KPIs are stale: an assembler round marks the zone-hours it
 * added trips to, in its own transaction, and a refresh recomputes and
 * deletes the marks in another (`refreshStaleHourKpis`). Marks are only ever
 * inserted by rounds and deleted by the refresh, so the two never wait for
 * each other's rows.
 */
const KPI_STALE_HOURS = `
create table kpi_stale_hours (
  stamp bigint generated always as identity primary key,
  zone_id int not null,
  hour_ts timestamp not null
);
`;

/**
 * The sums behind each zone-hour's KPIs, which the stream assembler adds to
 * as it writes trips, so that keeping the KPIs current reads these rows
 * instead of the hour's trips (`addHourSums`, `recomputeHourKpis`); each
 * writer adds to rows of its own `source`. The sums of the trips already
 * stored are filled in under source -1, so a stream schema from before goes
 * on where it was; the zone-hour index on trips, which only that recompute
 * used, goes (it cost a sixth of every COPY into trips). The backfill spells
 * out the terms of `kpi_sql.ts` rather than importing them, so this
 * migration stays the SQL that was applied.
 */
const KPI_HOUR_SUMS = `
create table kpi_hour_sums (
  zone_id int not null,
  hour_ts timestamp not null,
  period date not null,
  source int not null,
  trips bigint not null,
  revenue_cents numeric not null,
  fare_trips bigint not null,
  fare_cents numeric not null,
  tip_trips bigint not null,
  tip_cents numeric not null,
  distance_um numeric not null,
  duration_us numeric not null,
  speed_nkmh numeric not null,
  card_trips bigint not null,
  passengers numeric not null,
  primary key (zone_id, hour_ts, period, source)
);
insert into kpi_hour_sums
select pu_location_id, date_trunc('hour', pickup_ts), period, -1,
  count(*),
  coalesce(sum((total_amount * 100)::int8), 0),
  count(fare_amount),
  coalesce(sum((fare_amount * 100)::int8), 0),
  count(tip_amount),
  coalesce(sum((tip_amount * 100)::int8), 0),
  sum(round(trip_distance * 1e6::float8)::int8),
  sum(round(duration_s * 1e6::float8)::int8),
  sum(round(trip_distance * 1.609344e9::float8 / (duration_s / 3600))::int8),
  count(*) filter (where payment_type = 1),
  sum(coalesce(passenger_count, 0))
from trips
group by pu_location_id, date_trunc('hour', pickup_ts), period;
drop index if exists trips_zone_hour_idx;
`;

/**
 * Every migration, in version order.
 *
 * @example
 * ```ts
 * import { MIGRATIONS } from "./migrations.ts";
 * import assert from "node:assert";
 * assert.equal(MIGRATIONS[0].version, 1);
 * ```
 */
export const MIGRATIONS: readonly Migration[] = [
  { version: 1, name: "initial_tables", sql: INITIAL_TABLES },
  { version: 2, name: "trips_zone_hour_index", sql: TRIPS_ZONE_HOUR_INDEX },
  { version: 3, name: "kpi_stale_hours", sql: KPI_STALE_HOURS },
  { version: 4, name: "kpi_hour_sums", sql: KPI_HOUR_SUMS },
];
