import assert from "node:assert/strict";
import { PgliteStore } from "../../../src/adapters/pglite/store.ts";
import { KpiRefresher } from "../../../src/pipelines/_kpi_refresher.ts";
import type { SqlClient, Store } from "../../../src/ports/store.ts";
import { storeTripWithSums } from "./_stored_trip.ts";

async function addTrip(store: Store, key: string, pickup: string): Promise<void> {
  await store.transaction((tx) => storeTripWithSums(tx, key, pickup));
}

/** Stores three trips (two of one hour, one of the next), requesting a refresh after each. */
async function addTripsRequestingEach(store: Store, refresher: KpiRefresher): Promise<void> {
  for (const [key, pickup] of [["a", "05:10"], ["b", "05:20"], ["c", "06:05"]]) {
    await addTrip(store, key!, `2024-01-01 ${pickup}:00`);
    refresher.request();
  }
}

async function kpis(store: Store): Promise<[string, number][]> {
  const rows = await store.query<{ hour_ts: string; trips: number }>(
    "select hour_ts::text, trips from zone_hourly_kpis order by hour_ts",
  );
  return rows.map((r) => [r.hour_ts, r.trips]);
}

Deno.test("KpiRefresher: requests while a refresh runs fold into one more; drain leaves nothing stale", async () => {
  await using store = await PgliteStore.open({ schema: "kpi_refresher" });
  const firstMayRun = Promise.withResolvers<void>();
  let refreshes = 0;
  const counting: Store = Object.assign(Object.create(store), {
    async transaction<T>(fn: (tx: SqlClient) => Promise<T>): Promise<T> {
      if (refreshes++ === 0) await firstMayRun.promise;
      return store.transaction(fn);
    },
  });
  const refresher = new KpiRefresher(counting);
  await addTripsRequestingEach(store, refresher);
  firstMayRun.resolve();
  await refresher.drain();
  // The first refresh, ONE more for the two requests made while it ran, and drain's own.
  assert.equal(refreshes, 3);
  assert.deepEqual(await kpis(store), [["2024-01-01 05:00:00", 2], ["2024-01-01 06:00:00", 1]]);
  const [left] = await store.query<{ n: number }>("select count(*)::int as n from kpi_stale_hours");
  assert.equal(left!.n, 0);
});

Deno.test("KpiRefresher: a failed background refresh is thrown by the next request and by drain", async () => {
  const failing = {
    transaction: () => Promise.reject(new Error("connection lost")),
  } as unknown as Store;
  const refresher = new KpiRefresher(failing);
  refresher.request();
  await assert.rejects(refresher.drain(), /connection lost/);
  assert.throws(() => refresher.request(), /connection lost/);
});

Deno.test("KpiRefresher: the next refresh starts minIntervalMs after the one before it started, and drain does not wait for it", async () => {
  await using store = await PgliteStore.open({ schema: "kpi_refresher_interval" });
  const starts: number[] = [];
  const timed: Store = Object.assign(Object.create(store), {
    transaction<T>(fn: (tx: SqlClient) => Promise<T>): Promise<T> {
      starts.push(performance.now());
      return store.transaction(fn);
    },
  });
  const refresher = new KpiRefresher(timed, { minIntervalMs: 300 });
  await addTripsRequestingEach(store, refresher);
  while (starts.length < 2) await new Promise((r) => setTimeout(r, 20));
  assert.ok(starts[1]! - starts[0]! >= 300, `${starts[1]! - starts[0]!} ms apart`);
  assert.deepEqual(await kpis(store), [["2024-01-01 05:00:00", 2], ["2024-01-01 06:00:00", 1]]);

  const patient = new KpiRefresher(timed, { minIntervalMs: 600_000 });
  await addTrip(store, "d", "2024-01-01 07:05:00");
  patient.request();
  await addTrip(store, "e", "2024-01-01 07:15:00");
  patient.request();
  const drained = performance.now();
  await patient.drain();
  assert.ok(performance.now() - drained < 60_000, "drain waited for the interval");
  assert.deepEqual((await kpis(store)).at(-1), ["2024-01-01 07:00:00", 2]);
});

Deno.test("KpiRefresher: a request made as a refresh ends starts the next one", async () => {
  const transactions: ((stale: number) => void)[] = [];
  let answerAtOnce = false;
  const store = {
    transaction: () =>
      answerAtOnce
        ? Promise.resolve(0)
        : new Promise<number>((resolve) => transactions.push(resolve)),
  } as unknown as Store;
  const refresher = new KpiRefresher(store, { minIntervalMs: 0 });
  refresher.request();
  await new Promise((resolve) => setTimeout(resolve, 10));
  assert.equal(transactions.length, 1);
  // The refresh's transaction and a round's commit answer in the same turn.
  transactions.shift()!(0);
  await Promise.resolve();
  refresher.request();
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.equal(transactions.length, 1, "the second request started a refresh");
  answerAtOnce = true;
  transactions.shift()!(0);
  await refresher.drain();
});
