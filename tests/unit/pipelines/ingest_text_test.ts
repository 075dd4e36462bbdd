import assert from "node:assert/strict";
import { PgliteStore } from "../../../src/adapters/pglite/store.ts";
import { ingestFile } from "../../../src/pipelines/ingest_month.ts";
import type { RawTrip } from "../../../schemas/raw_trip.ts";
import { tripKey } from "../../../src/domain/curation/trip_key.ts";
import { rowOf } from "../../../src/domain/raw_trip_batch.ts";
import { readTripBatches } from "../../../src/io/parquet/read_trip_batches.ts";
import { taxiColumns, taxiColumnsWithRow1, writeFixture } from "../../_support/parquet_fixtures.ts";
import { ChillFlowError } from "../../../src/errors.ts";

const FLAGS = ["a\tb", "back\\slash", "new\nline", "carriage\rreturn", "é✓", "\\N", "", "N"];

Deno.test("ingestFile() copies any text exactly and rejects repeated rows as duplicates", async () => {
  const dir = await Deno.makeTempDir({ prefix: "cf_ingest_text_" });
  try {
    const path = `${dir}/yellow_tripdata_2024-01.parquet`;
    const columns = taxiColumns(FLAGS.length).map((column) => {
      const data = column.name === "store_and_fwd_flag" ? FLAGS : column.data;
      // The same rows twice: the second copy is all duplicates.
      return { ...column, data: [...data, ...data] };
    });
    await writeFixture(path, columns);
    await using store = await PgliteStore.open({ schema: "chillflow" });
    const summary = await ingestFile(store, path);
    assert.equal(summary.accepted, FLAGS.length);
    assert.equal(summary.rejected.duplicate, FLAGS.length);
    const trips = await store.query<{ flag: string }>(
      "select store_and_fwd_flag as flag from trips order by pickup_ts",
    );
    assert.deepEqual(trips.map((row) => row.flag), FLAGS);
    const rejected = await store.query<{ raw: string; source_row: string; key: string }>(
      `select r.raw::text as raw, r.source_row::text as source_row, r.trip_key as key
       from rejected_trips r order by r.source_row`,
    );
    assert.deepEqual(
      rejected.map((row) => JSON.parse(row.raw).store_and_fwd_flag),
      FLAGS,
    );
    assert.deepEqual(
      rejected.map((row) => Number(row.source_row)),
      FLAGS.map((_, i) => FLAGS.length + i),
    );
    const keys = await store.query<{ key: string }>(
      "select trip_key as key from trips order by pickup_ts",
    );
    assert.deepEqual(rejected.map((row) => row.key), keys.map((row) => row.key));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("ingestFile() stores money rounded to cents and hashes the amount as read", async () => {
  const dir = await Deno.makeTempDir({ prefix: "cf_ingest_money_" });
  try {
    const path = `${dir}/yellow_tripdata_2024-01.parquet`;
    const totals = [12.345, 0.005, 7.004999, 10, 12.3449];
    const columns = taxiColumns(totals.length).map((column) =>
      column.name === "total_amount" ? { ...column, data: totals } : column
    );
    await writeFixture(path, columns);
    await using store = await PgliteStore.open({ schema: "chillflow" });
    const summary = await ingestFile(store, path);
    assert.equal(summary.accepted, totals.length);
    const trips = await store.query<{ total: string; key: string }>(
      "select total_amount::text as total, trip_key as key from trips order by pickup_ts",
    );
    assert.deepEqual(trips.map((row) => row.total), ["12.35", "0.01", "7.00", "10.00", "12.34"]);
    // The key hashes 12.345 as read, not the 12.35 stored.
    const rows: RawTrip[] = [];
    for await (const batch of readTripBatches(path)) {
      for (let i = 0; i < batch.length; i++) rows.push(rowOf(batch, i));
    }
    assert.equal(rows[0]!.total_amount, 12.345);
    assert.deepEqual(trips.map((row) => row.key), rows.map((row) => tripKey(row)));
    assert.notEqual(trips[0]!.key, tripKey({ ...rows[0]!, total_amount: 12.35 }));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("ingestFile() refuses, in one line, rows whose time no PostgreSQL timestamp or date holds", async () => {
  const dir = await Deno.makeTempDir({ prefix: "cf_ingest_years_" });
  const yearZero = new Date(0).setUTCFullYear(0, 5, 1);
  // Without a period in the name rule 2 is skipped, so any year passes curation.
  const cases: [number, number | null, RegExp][] = [
    [Date.UTC(10_000, 0, 1), null, /row 1 has pickup_ts \+010000-01-01T00:00:00\.000Z, outside/],
    [yearZero, null, /row 1 has pickup_ts 0000-06-01T00:00:00\.000Z, outside the years 1 to 9999/],
    // Rejected rows keep their time as text in `raw`, but their pickup month is a date.
    [yearZero, -1, /row 1 has a pickup in the year 0, which no date holds/],
  ];
  try {
    await using store = await PgliteStore.open({ schema: "chillflow" });
    for (const [index, [pickup, total, message]] of cases.entries()) {
      const path = `${dir}/${index}_yellow_tripdata_far.parquet`;
      await writeFixture(path, taxiColumnsWithRow1(pickup, total));
      await assert.rejects(ingestFile(store, path), (error: unknown) => {
        assert.ok(error instanceof ChillFlowError, String(error));
        assert.equal(error.code, "CF_INPUT_FILE");
        assert.match(error.message, message);
        return true;
      });
    }
    const [trips] = await store.query<{ n: number }>("select count(*)::int as n from trips");
    assert.equal(trips!.n, 0);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
