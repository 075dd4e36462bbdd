/**
 * `deno task verify` and `deno task aggregate` on schemas that differ or do
 * not exist, run as subprocesses with exactly the permissions deno.json
 * declares, on the embedded database.
 */
import assert from "node:assert/strict";
import { PgliteStore } from "../../src/adapters/pglite/store.ts";
import { repoPath } from "../_support/fixtures.ts";
import { denoTask } from "../_support/deno_task.ts";
import { testName } from "../_support/services.ts";

const TRIP = `insert into trips (trip_key, period, trip_type, pickup_ts, dropoff_ts, trip_distance,
    pu_location_id, do_location_id, total_amount, duration_s, source_file)
  values ('${"a".repeat(32)}', '2024-01-01', 'green', '2024-01-01 10:00', '2024-01-01 10:10', 1,
    7, 8, 12.5, 600, 'g.parquet')`;

Deno.test("e2e: verify prints the report and exits 1 when schemas differ; aggregate refuses a schema that does not exist", async () => {
  const dataDir = `.chillflow/${testName("e2e_verify")}`;
  const pglite = repoPath(`${dataDir}/pglite`);
  try {
    for (const schema of ["left", "right"]) {
      await using store = await PgliteStore.open({ dataDir: pglite, schema });
      if (schema === "left") await store.query(TRIP);
    }
    const verify = (...args: string[]) =>
      denoTask(["verify", "--left", "left", "--right", "right", "--data-dir", dataDir, ...args]);
    const text = await verify();
    assert.equal(text.code, 1, text.stderr);
    assert.match(text.stdout, /^left vs right: DIFFERENT$/m);
    assert.match(text.stdout, /trips: 1 vs 0 rows, 1 only in left, 0 only in right/);
    assert.equal(
      text.stderr.trim(),
      'verify: CF_VERIFY_MISMATCH: Schemas "left" and "right" differ: trips (1 only left, 0 only right)',
    );
    const json = await verify("--json");
    assert.equal(json.code, 1, json.stderr);
    const report = JSON.parse(json.stdout);
    assert.equal(report.equal, false);
    assert.deepEqual(report.tables.map((t: { onlyLeft: number }) => t.onlyLeft), [1, 0, 0]);

    const typo = await denoTask([
      "aggregate",
      "--period",
      "2024-01",
      "--schema",
      "lefft",
      "--data-dir",
      dataDir,
    ]);
    assert.equal(typo.code, 1, typo.stderr);
    assert.match(typo.stderr, /^aggregate: CF_CONFIG: Schema "lefft" does not exist/);
    const real = await denoTask([
      "aggregate",
      "--period",
      "2024-01",
      "--schema",
      "left",
      "--data-dir",
      dataDir,
      "--json",
    ]);
    assert.equal(real.code, 0, real.stderr);
    assert.deepEqual({ ...JSON.parse(real.stdout), seconds: 0 }, {
      period: "2024-01",
      zoneHours: 1,
      trips: 1,
      seconds: 0,
    });
    await using store = await PgliteStore.open({ dataDir: pglite, schema: "left" });
    const schemas = await store.query<{ name: string }>(
      "select nspname as name from pg_namespace where nspname in ('left', 'right', 'lefft') order by 1",
    );
    assert.deepEqual(schemas.map((s) => s.name), ["left", "right"], "the typo created nothing");
  } finally {
    await Deno.remove(repoPath(dataDir), { recursive: true }).catch(() => {});
  }
});
