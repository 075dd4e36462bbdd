/**
 * The KPI SQL cases, run on every Store adapter: the hand-computed values must
 * come out identically from PGlite and from a real PostgreSQL server.
 *
 * @module
 */

import assert from "node:assert/strict";
import type { RawTrip } from "../../schemas/raw_trip.ts";
import { fromNaiveIso } from "../../src/domain/events/naive_time.ts";
import { hourSumsOf, type KpiTrip } from "../../src/domain/kpis/hour_sums.ts";
import type { SqlClient, Store } from "../../src/ports/store.ts";
import { migrate } from "../../src/store/migrate.ts";
import { MIGRATIONS } from "../../src/store/migrations.ts";
import {
  addHourSums,
  recomputeHourKpis,
  recomputePeriodKpis,
  refreshStaleHourKpis,
} from "../../src/store/kpi_sql.ts";
import { BASE_ROW } from "../unit/domain/curation/_rows.ts";
import { testName } from "../_support/services.ts";

/** Opens a store on `schema`. */
export type OpenStore = (schema: string) => Promise<Store>;

// key, period, type, pickup, duration s, miles, fare, tip, total, payment, passengers, zone
const TRIPS = [
  ["t1", "2024-01", "yellow", "2024-01-01 05:10:00", 600, 2.0, 10, 2, 15.5, 1, 1, 132],
  ["t2", "2024-01", "yellow", "2024-01-01 05:50:00", 1800, 5.0, 20, 0, 25.25, 2, null, 132],
  ["t3", "2024-01", "green", "2024-01-01 05:59:59", 900, 0, 5.55, null, 6.05, 1, 3, 132],
  ["t4", "2024-01", "yellow", "2024-01-01 06:00:00", 1200, 1.5, 7.25, 1.45, 10, 4, 2, 132],
  ["t5", "2024-01", "green", "2024-01-31 23:30:00", 3600, 10, 30, 6, 40.12, 1, null, 138],
  ["t6", "2024-02", "yellow", "2024-02-01 00:05:00", 60, 1, 3, 0, 4, 1, 1, 132],
] as const;

const TRIP_VALUES = TRIPS.map((
  [key, period, type, pickup, duration, miles, fare, tip, total, pay, pax, zone],
) =>
  `('${key}', '${period}-01', '${type}', '${pickup}',
    '${pickup}'::timestamp + interval '${duration} seconds', ${duration}, ${miles},
    ${fare}, ${tip}, ${total}, ${pay}, ${pax}, ${zone}, 1, 'test.parquet')`
);

/** Writes TRIPS to `trips`. */
const INSERT_TRIPS = `insert into trips (trip_key, period, trip_type, pickup_ts, dropoff_ts,
  duration_s, trip_distance, fare_amount, tip_amount, total_amount, payment_type, passenger_count,
  pu_location_id, do_location_id, source_file) values ${TRIP_VALUES.join(",\n")}`;

/** The trips with these keys as the assembler holds them: row and period. */
function kpiTrips(...keys: string[]): KpiTrip[] {
  return TRIPS.filter(([key]) => keys.includes(key)).map(
    ([, period, type, pickup, duration, miles, fare, tip, total, pay, pax, zone]) => {
      const pickupMs = fromNaiveIso(pickup.replace(" ", "T"));
      const row: RawTrip = {
        ...BASE_ROW,
        trip_type: type,
        pickup_ts: pickupMs,
        dropoff_ts: pickupMs + duration * 1000,
        trip_distance: miles,
        fare_amount: fare,
        tip_amount: tip,
        total_amount: total,
        payment_type: pay,
        passenger_count: pax,
        pu_location_id: zone,
      };
      return { row, period };
    },
  );
}

/** Adds the sums of the trips with these keys, as an assembler round of `source` does. */
function addSums(store: Store, source: number, ...keys: string[]): Promise<void> {
  return store.transaction((tx) =>
    addHourSums(tx, [{ source, sums: hourSumsOf(kpiTrips(...keys)) }])
  );
}

const KPI_SELECT = `select period, zone_id, hour_ts, trips, revenue, avg_fare, avg_tip,
  avg_distance_km, avg_duration_min, avg_speed_kmh, pct_card, passengers
  from zone_hourly_kpis order by zone_id, hour_ts`;

// Computed by hand from TRIPS (km = miles x 1.609344; speed = km / hours, averaged per trip).
const ZONE_132_05 = {
  period: "2024-01-01",
  zone_id: 132,
  hour_ts: "2024-01-01 05:00:00",
  trips: 3,
  revenue: "46.80", // 15.50 + 25.25 + 6.05
  avg_fare: "11.8500", // 35.55 / 3
  avg_tip: "1.0000", // (2 + 0) / 2: the null tip is not averaged
  avg_distance_km: "3.7551", // 7 x 1.609344 / 3 = 3.755136
  avg_duration_min: "18.3333", // (10 + 30 + 15) / 3
  avg_speed_kmh: "11.8019", // (19.312128 + 16.09344 + 0) / 3 = 11.801856
  pct_card: "66.6667", // 2 of 3 paid by card
  passengers: "4", // 1 + null as 0 + 3
};
const ZONE_132_06 = {
  period: "2024-01-01",
  zone_id: 132,
  hour_ts: "2024-01-01 06:00:00",
  trips: 1,
  revenue: "10.00",
  avg_fare: "7.2500",
  avg_tip: "1.4500",
  avg_distance_km: "2.4140", // 2.414016
  avg_duration_min: "20.0000",
  avg_speed_kmh: "7.2420", // 2.414016 / (1/3) = 7.242048
  pct_card: "0.0000",
  passengers: "2",
};
const ZONE_138_23 = {
  period: "2024-01-01",
  zone_id: 138,
  hour_ts: "2024-01-31 23:00:00",
  trips: 1,
  revenue: "40.12",
  avg_fare: "30.0000",
  avg_tip: "6.0000",
  avg_distance_km: "16.0934", // 16.09344
  avg_duration_min: "60.0000",
  avg_speed_kmh: "16.0934",
  pct_card: "100.0000",
  passengers: "0",
};

// The row the refresh tests insert by hand for a zone-hour they do not mark.
const UNMARKED_132_06 = {
  period: "2024-01-01",
  zone_id: 132,
  hour_ts: "2024-01-01 06:00:00",
  trips: 99,
  revenue: "9.00",
  avg_fare: null,
  avg_tip: null,
  avg_distance_km: null,
  avg_duration_min: null,
  avg_speed_kmh: null,
  pct_card: null,
  passengers: "9",
};

async function withStore(open: OpenStore, fn: (store: Store) => Promise<void>): Promise<void> {
  const schema = testName();
  const store = await open(schema);
  try {
    await store.exec(INSERT_TRIPS);
    await fn(store);
  } finally {
    await store.exec(`drop schema "${schema}" cascade`);
    await store.close();
  }
}

/**
 * Registers the KPI SQL tests for one adapter.
 *
 * @param name Test name prefix, e.g. `"PgliteStore:"` or `"integration: PostgresStore:"`.
 * @param open Opens a store on a fresh schema.
 */
export function kpiSqlSuite(name: string, open: OpenStore): void {
  Deno.test(`${name} recomputePeriodKpis() replaces exactly one period's rows with hand-checked values`, async () => {
    await withStore(open, async (store) => {
      await store.exec(
        `insert into zone_hourly_kpis (period, zone_id, hour_ts, trips, revenue, passengers) values
           ('2024-01-01', 7, '2024-01-09 10:00', 5, 1, 1),    -- stale: must go
           ('2024-02-01', 132, '2024-02-01 00:00', 99, 9, 9)  -- other period: must stay as is`,
      );
      const written = await store.transaction((tx) => recomputePeriodKpis(tx, "2024-01"));
      assert.equal(written, 3);
      const rows = await store.query(KPI_SELECT);
      assert.deepEqual(rows.slice(0, 2), [ZONE_132_05, ZONE_132_06]);
      assert.deepEqual(rows[3], ZONE_138_23);
      assert.deepEqual(
        [rows[2].period, rows[2].trips, rows[2].avg_fare],
        ["2024-02-01", 99, null],
      );
      assert.equal(rows.length, 4);
    });
  });

  Deno.test(`${name} recomputeHourKpis() replaces only the given zone-hours, from their sums`, async () => {
    await withStore(open, async (store) => {
      await store.transaction((tx) => recomputePeriodKpis(tx, "2024-01-01"));
      await store.exec(
        "update zone_hourly_kpis set trips = 99 where zone_id = 132 and hour_ts = '2024-01-01 06:00'",
      );
      await addSums(store, 0, "t1", "t3", "t4", "t5"); // not t2
      const written = await store.transaction((tx) =>
        recomputeHourKpis(tx, [
          { zoneId: 132, hourTs: "2024-01-01 05:00:00" },
          { zoneId: 132, hourTs: "2024-01-01 05:42:00" }, // same hour again
          { zoneId: 138, hourTs: Date.UTC(2024, 0, 31, 23) }, // naive epoch ms
          { zoneId: 7, hourTs: "2024-01-09 10:00:00" }, // no sums: no row
        ])
      );
      assert.equal(written, 2);
      assert.deepEqual(await store.query(KPI_SELECT), [
        {
          ...ZONE_132_05,
          trips: 2,
          revenue: "21.55",
          avg_fare: "7.7750",
          avg_tip: "2.0000",
          avg_distance_km: "1.6093",
          avg_duration_min: "12.5000",
          avg_speed_kmh: "9.6561",
          pct_card: "100.0000",
        },
        { ...ZONE_132_06, trips: 99 }, // not asked for: untouched
        ZONE_138_23,
      ]);
      assert.equal(await store.transaction((tx) => recomputeHourKpis(tx, [])), 0);
    });
  });

  Deno.test(`${name} sums added by several sources and rounds give the KPIs recomputePeriodKpis() gives`, async () => {
    await withStore(open, async (store) => {
      await store.transaction((tx) => recomputePeriodKpis(tx, "2024-01"));
      const byPeriod = await store.query(KPI_SELECT);
      await store.exec("delete from zone_hourly_kpis");
      await store.transaction((tx) =>
        addHourSums(tx, [
          { source: 0, sums: hourSumsOf(kpiTrips("t1", "t4")) },
          { source: 1, sums: hourSumsOf(kpiTrips("t2", "t5")) },
        ])
      );
      const count = async (table: string) =>
        (await store.query<{ n: number }>(`select count(*)::int as n from ${table}`))[0]!.n;
      assert.equal(await count("kpi_stale_hours"), 3, "zone 132 at 05:00 is marked once");
      await addSums(store, 0, "t3"); // adds to source 0's row of zone 132 at 05:00
      assert.equal(await count("kpi_hour_sums"), 4);
      const pairs = byPeriod.map((r) => ({
        zoneId: r.zone_id as number,
        hourTs: r.hour_ts as string,
      }));
      await store.transaction((tx) => recomputeHourKpis(tx, pairs));
      assert.deepEqual(await store.query(KPI_SELECT), byPeriod);
    });
  });

  Deno.test(`${name} the kpi_hour_sums migration fills in the sums of trips stored before it`, async () => {
    await withStore(open, async (store) => {
      const older = testName("older");
      const inOlder = (fn: (tx: SqlClient) => Promise<unknown>) =>
        store.transaction(async (tx) => {
          await migrate(tx, older, {
            migrations: MIGRATIONS.filter((m) => m.name !== "kpi_hour_sums"),
          });
          await fn(tx);
        });
      try {
        await inOlder((tx) => tx.exec(INSERT_TRIPS));
        const kpis = await store.transaction(async (tx) => {
          await migrate(tx, older);
          await recomputeHourKpis(tx, [
            { zoneId: 132, hourTs: "2024-01-01 05:00:00" },
            { zoneId: 132, hourTs: "2024-01-01 06:00:00" },
            { zoneId: 138, hourTs: "2024-01-31 23:00:00" },
          ]);
          return await tx.query(KPI_SELECT);
        });
        assert.deepEqual(kpis, [ZONE_132_05, ZONE_132_06, ZONE_138_23]);
      } finally {
        await store.exec(`drop schema if exists "${older}" cascade`);
      }
    });
  });

  Deno.test(`${name} refreshStaleHourKpis() recomputes exactly the marked zone-hours and consumes the marks`, async () => {
    await withStore(open, async (store) => {
      await store.exec(
        `insert into zone_hourly_kpis (period, zone_id, hour_ts, trips, revenue, passengers) values
           ('2024-01-01', 132, '2024-01-01 06:00', 99, 9, 9)  -- not marked: must stay as is`,
      );
      await addSums(store, 0, "t1", "t2", "t3");
      await addSums(store, 1, "t5");
      const stale = await store.query<{ n: number }>(
        "select count(*)::int as n from kpi_stale_hours",
      );
      assert.equal(stale[0]!.n, 2, "a round marks each zone-hour it added to once");
      assert.equal(await store.transaction((tx) => refreshStaleHourKpis(tx)), 2);
      assert.deepEqual(await store.query(KPI_SELECT), [ZONE_132_05, UNMARKED_132_06, ZONE_138_23]);
      assert.equal(await store.transaction((tx) => refreshStaleHourKpis(tx)), 0);
    });
  });

  Deno.test(`${name} refreshStaleHourKpis() takes the oldest marks up to its limit; a rolled-back refresh keeps them`, async () => {
    await withStore(open, async (store) => {
      await addSums(store, 0, "t1", "t2", "t3");
      await addSums(store, 0, "t4");
      await assert.rejects(
        store.transaction(async (tx) => {
          await refreshStaleHourKpis(tx);
          throw new Error("crash after the refresh, before the commit");
        }),
        /crash after the refresh/,
      );
      assert.deepEqual(await store.query(KPI_SELECT), []);
      assert.equal(await store.transaction((tx) => refreshStaleHourKpis(tx, 1)), 1);
      assert.deepEqual((await store.query(KPI_SELECT)).map((r) => r.hour_ts), [
        "2024-01-01 05:00:00",
      ]);
      assert.equal(await store.transaction((tx) => refreshStaleHourKpis(tx, 1)), 1);
      assert.deepEqual(await store.query(KPI_SELECT), [ZONE_132_05, ZONE_132_06]);
    });
  });
}
