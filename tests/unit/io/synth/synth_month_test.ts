import assert from "node:assert/strict";
import { CURATION_REASONS, type CurationReason } from "../../../../schemas/curation_reason.ts";
import { createCurationState, curateBatch } from "../../../../src/domain/curation/curate_batch.ts";
import { inspectTripFile } from "../../../../src/io/parquet/inspect_trip_file.ts";
import { readTripBatches } from "../../../../src/io/parquet/read_trip_batches.ts";
import { synthMonth } from "../../../../src/io/synth/synth_month.ts";
import { exists, GREEN_2024_01, YELLOW_SAMPLE } from "../../../_support/fixtures.ts";
import { taxiColumns, writeFixture } from "../../../_support/parquet_fixtures.ts";
import { ChillFlowError } from "../../../../src/errors.ts";

const dir = await Deno.makeTempDir({ prefix: "cf_synth_" });
globalThis.addEventListener("unload", () => Deno.removeSync(dir, { recursive: true }));

async function curate(path: string, period: string) {
  const state = createCurationState({ period });
  const rejected = Object.fromEntries(CURATION_REASONS.map((r) => [r, 0])) as Record<
    CurationReason,
    number
  >;
  let accepted = 0, rows = 0;
  for await (const batch of readTripBatches(path, { batchRows: 4_096 })) {
    const verdicts = curateBatch(batch, state);
    accepted += verdicts.accepted;
    rows += batch.length;
    for (const reason of CURATION_REASONS) rejected[reason] += verdicts.rejected[reason];
  }
  return { rows, accepted, rejected };
}

Deno.test("synthMonth() writes a month whose curation rejects exactly what it injected", async () => {
  const out = `${dir}/green_tripdata_2024-03.parquet`;
  const progress: number[] = [];
  const summary = await synthMonth({
    like: GREEN_2024_01,
    rows: 30_000,
    period: "2024-03",
    out,
    seed: "test",
    rowGroupRows: 7_000,
    rejectRate: 0.2,
    onProgress: (rows) => progress.push(rows),
  });
  assert.equal(summary.rows, 30_000);
  assert.equal(summary.rowGroups, 5);
  assert.deepEqual(progress, [7_000, 14_000, 21_000, 28_000, 30_000]);
  assert.equal(summary.tripType, "green");
  assert.equal(summary.poolRows, 55_915, "clean rows of green 2024-01 ignoring the period");
  for (const reason of CURATION_REASONS) {
    assert.ok(
      summary.injected[reason] > 300,
      `${reason} injected ${summary.injected[reason]} times`,
    );
  }
  const curated = await curate(out, "2024-03");
  assert.equal(curated.rows, 30_000);
  assert.deepEqual(curated.rejected, summary.injected);
  assert.equal(curated.accepted, summary.expectedAccepted);

  const info = await inspectTripFile(out);
  assert.equal(info.rowGroups, 5);
  assert.equal(info.createdBy, "chillflow synth");
  assert.equal(
    info.columns.find((c) => c.name === "lpep_pickup_datetime")?.type,
    "INT64 TIMESTAMP",
  );
  assert.equal(info.columns.find((c) => c.name === "PULocationID")?.type, "INT32");
  assert.equal(info.columns.find((c) => c.name === "passenger_count")?.type, "INT64");
  assert.equal(info.columns.find((c) => c.name === "fare_amount")?.type, "DOUBLE");
  assert.deepEqual(info.missing, ["airport_fee", "cbd_congestion_fee"]);
  assert.equal(summary.bytes, info.bytes);
  assert.ok(!(await exists(`${out}.part`)));
});

Deno.test("synthMonth() keeps accepted pickups inside the period and spreads them over every day", async () => {
  const out = `${dir}/yellow_tripdata_2025-02.parquet`;
  const summary = await synthMonth({
    like: YELLOW_SAMPLE,
    rows: 8_000,
    period: "2025-02",
    out,
    rejectRate: 0,
  });
  assert.equal(summary.tripType, "yellow");
  assert.equal(summary.expectedAccepted, 8_000);
  const start = Date.UTC(2025, 1, 1), end = Date.UTC(2025, 2, 1);
  const days = new Set<number>();
  for await (const b of readTripBatches(out)) {
    for (let i = 0; i < b.length; i++) {
      const pickup = b.numeric.pickup_ts[i]!;
      assert.ok(pickup >= start && pickup < end);
      assert.equal(pickup % 1000, 0, "whole seconds, like TLC");
      days.add(new Date(pickup).getUTCDate());
    }
  }
  assert.equal(days.size, 28);
  const info = await inspectTripFile(out);
  assert.ok(info.columns.some((c) => c.name === "cbd_congestion_fee"), "2025 layout");
  assert.ok(info.columns.some((c) => c.name === "Airport_fee"));
  assert.equal((await curate(out, "2025-02")).accepted, 8_000);
});

Deno.test("synthMonth() is deterministic for a seed", async () => {
  const write = async (name: string, seed: string) => {
    const out = `${dir}/${name}`;
    await synthMonth({
      like: GREEN_2024_01,
      rows: 3_000,
      period: "2024-02",
      out,
      seed,
      rowGroupRows: 1_000,
    });
    return await Deno.readFile(out);
  };
  const a = await write("a.parquet", "7"),
    b = await write("b.parquet", "7"),
    c = await write("c.parquet", "8");
  assert.deepEqual(a, b);
  assert.notDeepEqual(a, c);
});

Deno.test("synthMonth() rejects bad options and leaves no file behind", async () => {
  const out = `${dir}/bad.parquet`;
  await assert.rejects(
    () => synthMonth({ like: GREEN_2024_01, rows: 0, period: "2024-01", out }),
    RangeError,
  );
  await assert.rejects(
    () => synthMonth({ like: GREEN_2024_01, rows: 5, period: "2024-13", out }),
    RangeError,
  );
  await assert.rejects(
    () => synthMonth({ like: GREEN_2024_01, rows: 5, period: "2024-01", out, rejectRate: 2 }),
    RangeError,
  );
  await assert.rejects(
    () => synthMonth({ like: `${dir}/missing.parquet`, rows: 5, period: "2024-01", out }),
    /Cannot read "missing.parquet": file not found/,
  );
  await assert.rejects(
    () => synthMonth({ like: GREEN_2024_01, rows: 5, period: "2024-01", out: dir }),
    /^ChillFlowError: Cannot write ".*": it is a folder$/,
  );
  assert.ok(!(await exists(out)) && !(await exists(`${out}.part`)));
});

Deno.test("synthMonth() refuses more rows than its source can spread without repeats, at once", async () => {
  // One source row in February 2024: 29 days x 3,601 pickup seconds of jitter, 3/4 of them.
  const like = `${dir}/one_row.parquet`;
  await writeFixture(like, taxiColumns(1));
  const out = `${dir}/too_many.parquet`;
  await assert.rejects(
    () => synthMonth({ like, rows: 78_322, period: "2024-02", out }),
    (error: unknown) => {
      assert.ok(error instanceof ChillFlowError);
      assert.equal(error.code, "CF_USAGE");
      assert.match(error.message, /give at most 78321 distinct trips; use a larger --like file/);
      return true;
    },
  );
  assert.ok(!(await exists(out)) && !(await exists(`${out}.part`)));
  const fits = await synthMonth({ like, rows: 2_000, period: "2024-02", out, rejectRate: 0 });
  assert.equal(fits.rows, 2_000);
});
