import assert from "node:assert/strict";
import { PgliteStore } from "../../../src/adapters/pglite/store.ts";
import { ingestFile } from "../../../src/pipelines/ingest_month.ts";
import {
  assertCopyOfLoadedFileRefused,
  assertLoaded,
  snapshotTables,
} from "../../_support/ingest_checks.ts";
import { EXPECTED_LOADS } from "../../_support/ingest_expectations.ts";

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
