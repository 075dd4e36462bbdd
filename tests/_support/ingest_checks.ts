/**
 * Checks shared by the PGlite and PostgreSQL ingest tests: the database
 * agrees with a load's expected counts, and full table snapshots to compare
 * a re-run with a single run.
 *
 * @module
 */
import assert from "node:assert/strict";
import { ChillFlowError } from "../../src/errors.ts";
import { ingestFile } from "../../src/pipelines/ingest_month.ts";
import type { Store } from "../../src/ports/store.ts";
import { EXPECTED_LOADS, type ExpectedLoad } from "./ingest_expectations.ts";

/** Asserts the tables hold exactly what loading `expected` must leave. */
export async function assertLoaded(store: Store, expected: ExpectedLoad): Promise<void> {
  const [trips] = await store.query<{ n: number }>(
    "select count(*)::int as n from trips where source_file = $1",
    [expected.file],
  );
  assert.equal(trips!.n, expected.accepted, `${expected.file}: trips`);
  const rows = await store.query<{ reason: string; n: number }>(
    "select reason, count(*)::int as n from rejected_trips where source_file = $1 group by reason",
    [expected.file],
  );
  const byReason = Object.fromEntries(
    Object.keys(expected.rejected).map((reason) => [reason, 0]),
  );
  for (const row of rows) byReason[row.reason] = row.n;
  assert.deepEqual(byReason, expected.rejected, `${expected.file}: rejected_trips`);
  const audits = await store.query<Record<string, string>>(
    `select rows_read::text, accepted::text, rejected::text, period::text, file_sha256
     from load_audit where source_file = $1 order by load_id desc limit 1`,
    [expected.file],
  );
  const audit = audits[0]!;
  assert.equal(Number(audit.rows_read), expected.rowsRead);
  assert.equal(Number(audit.accepted), expected.accepted);
  assert.deepEqual(JSON.parse(audit.rejected!), expected.rejected);
  assert.equal(audit.period, expected.period === null ? null : `${expected.period}-01`);
  assert.equal(audit.file_sha256, expected.sha256, `${expected.file}: file_sha256`);
}

/** Every row of `trips` and `rejected_trips`, as text, in key order. */
export async function snapshotTables(store: Store): Promise<Record<string, string[]>> {
  const trips = await store.query<{ line: string }>(
    "select t::text as line from trips t order by trip_key",
  );
  const rejected = await store.query<{ line: string }>(
    "select r::text as line from rejected_trips r order by source_file, source_row",
  );
  return { trips: trips.map((r) => r.line), rejected: rejected.map((r) => r.line) };
}

/**
 * Loads the period-less yellow sample, then the same rows under another file
 * name: the second load must fail naming the first file, and change nothing.
 */
export async function assertCopyOfLoadedFileRefused(store: Store): Promise<void> {
  const yellow = EXPECTED_LOADS.find((load) => load.period === null)!;
  const dir = await Deno.makeTempDir({ prefix: "cf_copy_" });
  try {
    await ingestFile(store, yellow.path);
    const before = await snapshotTables(store);
    await Deno.copyFile(yellow.path, `${dir}/copy.parquet`);
    await assert.rejects(
      () => ingestFile(store, `${dir}/copy.parquet`),
      (e: unknown) =>
        e instanceof ChillFlowError && e.code === "CF_STORE" &&
        new RegExp(
          `^Cannot load "copy\\.parquet": trip [0-9a-f]{32} is already loaded from ` +
            `"${yellow.file.replaceAll(".", "\\.")}", and a load without a period replaces only ` +
            "its own file's earlier load$",
        ).test(e.message),
    );
    assert.deepEqual(await snapshotTables(store), before);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}
