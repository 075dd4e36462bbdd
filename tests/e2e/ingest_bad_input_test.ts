/**
 * `deno task ingest` on bad input, as a subprocess with its declared
 * permissions: one line naming the file, exit 1, no stack trace, and the
 * month loaded before stays exactly as it was.
 */
import assert from "node:assert/strict";
import { PostgresStore } from "../../src/adapters/postgres/store.ts";
import { ingestFile } from "../../src/pipelines/ingest_month.ts";
import { GREEN_2024_01, ZONES_CURRENT } from "../_support/fixtures.ts";
import { snapshotTables } from "../_support/ingest_checks.ts";
import { fixtureBytes, taxiColumns } from "../_support/parquet_fixtures.ts";
import { denoTask } from "../_support/deno_task.ts";
import { requireService, testName } from "../_support/services.ts";

/** The name every bad file carries, so it targets the month already loaded. */
const NAME = "green_tripdata_2024-01.parquet";

const real = await Deno.readFile(GREEN_2024_01);
const corrupt = real.slice();
// Garbage in the middle of the column chunks: the footer still parses, so the
// failure happens inside the load's transaction.
corrupt.fill(0x5a, 4_000, real.length - 200_000);

const BAD_INPUTS: [string, Uint8Array | string | null, RegExp][] = [
  ["a truncated file", real.slice(0, real.length / 2), /Cannot read/],
  ["a non-Parquet file", "hello, I am plain text\n".repeat(20), /not a Parquet file/],
  ["a CSV named .parquet", await Deno.readTextFile(ZONES_CURRENT), /not a Parquet file/],
  ["an empty file", new Uint8Array(), /file is empty/],
  [
    "a Parquet file without taxi columns",
    fixtureBytes([{
      name: "city",
      element: { type: "BYTE_ARRAY", converted_type: "UTF8" },
      data: ["NYC"],
    }]),
    /no pickup\/dropoff columns/,
  ],
  ["a file with corrupt data pages", corrupt, /Cannot read/],
  [
    "a trip file with a fractional vendor id",
    fixtureBytes(
      taxiColumns(5, { prefix: "lpep" }).map((column) =>
        column.name === "VendorID"
          ? { ...column, element: { type: "DOUBLE" as const }, data: [1, 2, 1.5, 2, 1] }
          : column
      ),
    ),
    /row 2 has vendor_id 1\.5, not a 32-bit integer/,
  ],
  [
    "a trip file with a NUL in store_and_fwd_flag",
    fixtureBytes(
      taxiColumns(5, { prefix: "lpep" }).map((column) =>
        column.name === "store_and_fwd_flag"
          ? { ...column, data: ["N", "N", "N\u0000", "N", "N"] }
          : column
      ),
    ),
    /row 2 has store_and_fwd_flag "N\\u0000", text PostgreSQL cannot hold/,
  ],
  ["a missing path", null, /not found/],
];

Deno.test("e2e: ingest rejects bad input with one line and keeps the loaded month", async () => {
  const url = await requireService("postgres");
  const schema = testName("ingest_bad");
  const store = await PostgresStore.open({ url, schema });
  const dir = await Deno.makeTempDir({ prefix: "cf_ingest_bad_" });
  try {
    await ingestFile(store, GREEN_2024_01);
    const before = await snapshotTables(store);
    assert.equal(before.trips.length, 55_913);
    for (const [index, [what, content, detail]] of BAD_INPUTS.entries()) {
      await Deno.mkdir(`${dir}/${index}`);
      const path = `${dir}/${index}/${NAME}`;
      if (typeof content === "string") await Deno.writeTextFile(path, content);
      else if (content !== null) await Deno.writeFile(path, content);
      const run = await _ingestTask(path, schema, url);
      assert.equal(run.code, 1, `${what}: exit code (stderr: ${run.stderr})`);
      const lines = run.stderr.trim().split("\n");
      assert.equal(lines.length, 1, `${what}: one line, got:\n${run.stderr}`);
      assert.match(lines[0]!, /^ingest: CF_[A-Z_]+: /, what);
      assert.ok(lines[0]!.includes(NAME), `${what}: names the file: ${lines[0]}`);
      assert.match(lines[0]!, detail, what);
      assert.deepEqual(await snapshotTables(store), before, `${what}: month intact`);
    }
    const [audits] = await store.query<{ n: number }>("select count(*)::int as n from load_audit");
    assert.equal(audits!.n, 1);
  } finally {
    await Deno.remove(dir, { recursive: true });
    await store.exec(`drop schema "${schema}" cascade`);
    await store.close();
  }
});

function _ingestTask(path: string, schema: string, url: string) {
  return denoTask(["ingest", path, "--schema", schema], { env: { DATABASE_URL: url } });
}
