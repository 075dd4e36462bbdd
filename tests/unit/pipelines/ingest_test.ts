import assert from "node:assert/strict";
import { PgliteStore } from "../../../src/adapters/pglite/store.ts";
import { ingestFile } from "../../../src/pipelines/ingest_month.ts";
import {
  assertCopyOfLoadedFileRefused,
  assertLoaded,
  snapshotTables,
} from "../../_support/ingest_checks.ts";
import { EXPECTED_LOADS } from "../../_support/ingest_expectations.ts";
import { GREEN_2023_12, GREEN_2024_01, YELLOW_SAMPLE } from "../../_support/fixtures.ts";
import { ChillFlowError } from "../../../src/errors.ts";

Deno.test("ingestFile() on PGlite reproduces the contract counts of every sample", async () => {
  await using store = await PgliteStore.open({ schema: "chillflow" });
  for (const expected of EXPECTED_LOADS) {
    const summary = await ingestFile(store, expected.path);
    assert.equal(summary.file, expected.file);
    assert.equal(summary.period, expected.period);
    assert.equal(summary.rowsRead, expected.rowsRead);
    assert.equal(summary.accepted, expected.accepted);
    assert.deepEqual(summary.rejected, expected.rejected);
    await assertLoaded(store, expected);
  }
});

Deno.test("ingestFile() on PGlite twice leaves exactly the tables of one load", async () => {
  await using store = await PgliteStore.open({ schema: "chillflow" });
  const [green, , yellow] = EXPECTED_LOADS;
  await ingestFile(store, green!.path);
  await ingestFile(store, yellow!.path);
  const once = await snapshotTables(store);
  await ingestFile(store, yellow!.path);
  await ingestFile(store, green!.path);
  const twice = await snapshotTables(store);
  assert.equal(twice.trips.length, green!.accepted + yellow!.accepted);
  assert.deepEqual(twice, once);
  const [audits] = await store.query<{ n: number }>("select count(*)::int as n from load_audit");
  assert.equal(audits!.n, 4);
});

Deno.test("ingestFile() stores naive timestamps and the raw JSON", async () => {
  await using store = await PgliteStore.open({ schema: "chillflow" });
  await ingestFile(store, EXPECTED_LOADS[0]!.path);
  const [first] = await store.query<Record<string, string>>(
    `select pickup_ts::text, dropoff_ts::text, duration_s::text, period::text
     from trips order by pickup_ts, trip_key limit 1`,
  );
  assert.equal(first!.period, "2024-01-01");
  assert.match(first!.pickup_ts!, /^2024-01-01 \d\d:\d\d:\d\d$/);
  const [rejected] = await store.query<{ raw: string; reason: string }>(
    `select raw::text, reason from rejected_trips where reason = 'outside_period'
     order by source_row limit 1`,
  );
  const raw = JSON.parse(rejected!.raw);
  assert.match(raw.pickup_ts, /^2023-12-31T\d\d:\d\d:\d\d$/);
  assert.equal(raw.trip_type, "green");
  assert.equal(Object.keys(raw).length, 23);
});

Deno.test("ingestFile() on PGlite refuses a file holding trips of another file's load, naming it", async () => {
  await using store = await PgliteStore.open({ schema: "chillflow" });
  await assertCopyOfLoadedFileRefused(store);
});

Deno.test("ingestFile() refuses a period or trip type its file contradicts, before touching a table", async () => {
  await using store = await PgliteStore.open({ schema: "chillflow" });
  await ingestFile(store, GREEN_2023_12);
  await ingestFile(store, GREEN_2024_01);
  const before = await snapshotTables(store);
  // January's file as December would replace December with two of its rows.
  await assert.rejects(
    ingestFile(store, GREEN_2024_01, { period: "2023-12" }),
    (error: unknown) =>
      error instanceof ChillFlowError && error.code === "CF_USAGE" &&
      /as period 2023-12: its name says 2024-01/.test(error.message),
  );
  await assert.rejects(
    ingestFile(store, GREEN_2024_01, { tripType: "yellow" }),
    (error: unknown) => error instanceof ChillFlowError && error.code === "CF_USAGE",
  );
  assert.deepEqual(await snapshotTables(store), before);
});

Deno.test("ingestFile() replaces a file's earlier load, with or without a period, and nothing else", async () => {
  await using store = await PgliteStore.open({ schema: "chillflow" });
  await ingestFile(store, GREEN_2024_01);
  const green = await snapshotTables(store);
  const yellowTrips = async () => {
    const [row] = await store.query<{ n: number }>(
      "select count(*)::int as n from trips where trip_type = 'yellow'",
    );
    return row!.n;
  };
  // The sample's accepted pickups all fall in 2025-02.
  const load = async (period?: string) => {
    const summary = await ingestFile(store, YELLOW_SAMPLE, { period });
    assert.equal(await yellowTrips(), summary.accepted, `loaded as ${period ?? "pickup months"}`);
    return summary.accepted;
  };
  assert.equal(await load("2025-02"), 4_719);
  // As 2025-01 every row is outside the period, and the 2025-02 load is gone.
  assert.equal(await load("2025-01"), 0);
  assert.equal(await load(), 4_719);
  const loose = await snapshotTables(store);
  // After a load without a period, the file's rows are found by file.
  assert.equal(await load("2025-01"), 0);
  assert.equal(await load(), 4_719);
  assert.deepEqual(await snapshotTables(store), loose);
  await store.exec("delete from trips where trip_type = 'yellow'");
  await store.exec("delete from rejected_trips where trip_type = 'yellow'");
  assert.deepEqual(await snapshotTables(store), green, "the green month was left alone");
});
