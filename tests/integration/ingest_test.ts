import assert from "node:assert/strict";
import { PostgresStore } from "../../src/adapters/postgres/store.ts";
import type { SqlClient, Store } from "../../src/ports/store.ts";
import { aggregateKpis } from "../../src/pipelines/aggregate_kpis.ts";
import { ingestFile } from "../../src/pipelines/ingest_month.ts";
import { assertLoaded, snapshotTables } from "../_support/ingest_checks.ts";
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

Deno.test("integration: aggregateKpis() counts every accepted trip and matches direct SQL", async () => {
  await withStore(async (store) => {
    await ingestFile(store, GREEN_JAN.path);
    await ingestFile(store, YELLOW.path);
    const summary = await aggregateKpis(store, { period: "2024-01" });
    assert.equal(summary.trips, GREEN_JAN.accepted);
    const yellow = await aggregateKpis(store, { period: "2025-02" });
    assert.equal(yellow.trips, YELLOW.accepted);
    const [busiest] = await store.query<Record<string, string>>(
      `select zone_id::text, hour_ts::text, trips::text, revenue::text, avg_fare::text,
         avg_tip::text, avg_distance_km::text, avg_duration_min::text, avg_speed_kmh::text,
         pct_card::text, passengers::text
       from zone_hourly_kpis where period = '2024-01-01' order by trips desc, zone_id limit 1`,
    );
    const [direct] = await store.query<Record<string, string>>(
      `select pu_location_id::text as zone_id, date_trunc('hour', pickup_ts)::text as hour_ts,
         count(*)::text as trips, sum(total_amount)::text as revenue,
         round(avg(fare_amount), 4)::text as avg_fare, round(avg(tip_amount), 4)::text as avg_tip,
         round(avg(trip_distance::numeric * 1.609344), 4)::text as avg_distance_km,
         round(avg(duration_s::numeric / 60), 4)::text as avg_duration_min,
         round(avg((trip_distance * 1.609344 / (duration_s / 3600.0))::numeric), 4)::text
           as avg_speed_kmh,
         round(100.0 * count(*) filter (where payment_type = 1) / count(*), 4)::text as pct_card,
         sum(coalesce(passenger_count, 0))::text as passengers
       from trips
       where pu_location_id = $1::int and date_trunc('hour', pickup_ts) = $2::timestamp
       group by 1, 2`,
      [busiest!.zone_id, busiest!.hour_ts],
    );
    assert.deepEqual(busiest, direct);
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
