import assert from "node:assert/strict";
import { PostgresStore } from "../../src/adapters/postgres/store.ts";
import type { SqlClient, Store } from "../../src/ports/store.ts";
import { aggregateKpis } from "../../src/pipelines/aggregate_kpis.ts";
import { ingestFile } from "../../src/pipelines/ingest_month.ts";
import {
  assertCopyOfLoadedFileRefused,
  assertLoaded,
  snapshotTables,
} from "../_support/ingest_checks.ts";
import { EXPECTED_LOADS } from "../_support/ingest_expectations.ts";
import { requireService, testName } from "../_support/services.ts";

const [GREEN_JAN, GREEN_DEC, YELLOW] = EXPECTED_LOADS as [
  (typeof EXPECTED_LOADS)[0],
  (typeof EXPECTED_LOADS)[0],
  (typeof EXPECTED_LOADS)[0],
];

async function withStore(fn: (store: PostgresStore) => Promise<void>): Promise<void> {
  const schema = testName("ingest");
  const store = await PostgresStore.open({ url: await requireService("postgres"), schema });
  try {
    await fn(store);
  } finally {
    await store.exec(`drop schema "${schema}" cascade`);
    await store.close();
  }
}

Deno.test("integration: ingestFile() reproduces the contract counts of every sample", async () => {
  await withStore(async (store) => {
    for (const expected of EXPECTED_LOADS) {
      const summary = await ingestFile(store, expected.path);
      assert.equal(summary.accepted, expected.accepted);
      assert.deepEqual(summary.rejected, expected.rejected);
      assert.equal(summary.rowsRead, expected.rowsRead);
      await assertLoaded(store, expected);
    }
  });
});

Deno.test("integration: ingestFile() twice leaves exactly the tables of one load", async () => {
  await withStore(async (store) => {
    for (const expected of EXPECTED_LOADS) await ingestFile(store, expected.path);
    const once = await snapshotTables(store);
    for (const expected of [YELLOW, GREEN_JAN, GREEN_DEC]) await ingestFile(store, expected.path);
    const twice = await snapshotTables(store);
    assert.equal(twice.trips.length, GREEN_JAN.accepted + GREEN_DEC.accepted + YELLOW.accepted);
    assert.deepEqual(twice, once);
  });
});

Deno.test("integration: two loads of one file at once leave exactly the tables of one load", async () => {
  await withStore(async (store) => {
    const [a, b] = await Promise.all([
      ingestFile(store, GREEN_JAN.path),
      ingestFile(store, GREEN_JAN.path),
    ]);
    assert.deepEqual([a.accepted, b.accepted], [GREEN_JAN.accepted, GREEN_JAN.accepted]);
    await assertLoaded(store, GREEN_JAN);
  });
});

Deno.test("integration: a load that fails mid-COPY leaves the previous month intact", async () => {
  await withStore(async (store) => {
    await ingestFile(store, GREEN_JAN.path);
    const before = await snapshotTables(store);
    await assert.rejects(ingestFile(_failingAfterFirstChunk(store), GREEN_JAN.path), /injected/);
    assert.deepEqual(await snapshotTables(store), before);
    const [audits] = await store.query<{ n: number }>("select count(*)::int as n from load_audit");
    assert.equal(audits!.n, 1);
  });
});

Deno.test("integration: two aggregateKpis() of one period at once both succeed with the rows of one", async () => {
  await withStore(async (store) => {
    await ingestFile(store, GREEN_JAN.path);
    const [a, b] = await Promise.all([
      aggregateKpis(store, { period: "2024-01" }),
      aggregateKpis(store, { period: "2024-01" }),
    ]);
    assert.equal(a.trips, GREEN_JAN.accepted);
    assert.deepEqual(b, { ...a, seconds: b.seconds });
    const [row] = await store.query<{ n: number }>(
      "select count(*)::int as n from zone_hourly_kpis",
    );
    assert.equal(row!.n, a.zoneHours);
  });
});

Deno.test("integration: aggregateKpis() counts every accepted trip and matches the plain formulas on every zone-hour", async () => {
  await withStore(async (store) => {
    await ingestFile(store, GREEN_JAN.path);
    await ingestFile(store, YELLOW.path);
    const summary = await aggregateKpis(store, { period: "2024-01" });
    assert.equal(summary.trips, GREEN_JAN.accepted);
    const yellow = await aggregateKpis(store, { period: "2025-02" });
    assert.equal(yellow.trips, YELLOW.accepted);
    // Every zone-hour against the contract's formulas written plainly, with
    // per-row casts to numeric (the aggregate sums floats as scaled integers).
    const columns = `period, zone_id, hour_ts, trips, revenue, avg_fare, avg_tip,
      avg_distance_km, avg_duration_min, avg_speed_kmh, pct_card, passengers`;
    const [diff] = await store.query<{ stored: number; missing: number; extra: number }>(
      `with direct as (
         select period, pu_location_id as zone_id, date_trunc('hour', pickup_ts) as hour_ts,
           count(*)::int as trips, sum(total_amount) as revenue,
           round(avg(fare_amount), 4) as avg_fare, round(avg(tip_amount), 4) as avg_tip,
           round(sum(trip_distance::numeric) * 1.609344 / count(*), 4) as avg_distance_km,
           round(sum(duration_s::numeric) / (60 * count(*)), 4) as avg_duration_min,
           round(avg((trip_distance * 1.609344 / (duration_s / 3600.0))::numeric), 4)
             as avg_speed_kmh,
           round(100.0 * count(*) filter (where payment_type = 1) / count(*), 4) as pct_card,
           sum(coalesce(passenger_count, 0)) as passengers
         from trips group by 1, 2, 3),
       stored as (select ${columns} from zone_hourly_kpis)
       select (select count(*)::int from stored) as stored,
         (select count(*)::int from (select * from direct except select * from stored) d)
           as missing,
         (select count(*)::int from (select * from stored except select * from direct) d)
           as extra`,
    );
    assert.ok(diff!.stored > 1_000, `only ${diff!.stored} KPI rows`);
    assert.deepEqual({ missing: diff!.missing, extra: diff!.extra }, { missing: 0, extra: 0 });
    // Re-aggregating after the month shrinks leaves no stale zone-hours.
    const [had] = await store.query<{ n: number }>(
      `select count(*)::int as n from zone_hourly_kpis
       where zone_id = 74 and period = '2024-01-01'`,
    );
    assert.ok(had!.n > 0);
    await store.exec("delete from trips where pu_location_id = 74 and period = '2024-01-01'");
    const again = await aggregateKpis(store, { period: "2024-01" });
    const [left] = await store.query<{ n: number }>(
      `select count(*)::int as n from zone_hourly_kpis
       where zone_id = 74 and period = '2024-01-01'`,
    );
    assert.equal(left!.n, 0);
    assert.ok(again.trips < GREEN_JAN.accepted);
  });
});

/** A store whose transactions fail inside the `trips` COPY, after the first chunk. */
Deno.test("integration: ingestFile() refuses a file holding trips of another file's load, naming it", async () => {
  await withStore(assertCopyOfLoadedFileRefused);
});

function _failingAfterFirstChunk(store: Store): Store {
  const wrap = (tx: SqlClient): SqlClient => ({
    query: (sql, params) => tx.query(sql, params),
    exec: (sql) => tx.exec(sql),
    copyIn: (table, columns, chunks) =>
      tx.copyIn(
        table,
        columns,
        async function* () {
          let sent = 0;
          for await (const chunk of chunks) {
            if (table === "trips" && sent++ === 1) throw new Error("injected failure");
            yield chunk;
          }
        }(),
      ),
  });
  return Object.assign(Object.create(store), {
    transaction: <T>(fn: (tx: SqlClient) => Promise<T>) => store.transaction((tx) => fn(wrap(tx))),
  });
}
