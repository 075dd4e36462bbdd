import assert from "node:assert/strict";
import { createRng } from "../../../../src/io/synth/rng.ts";
import { loadTripPool } from "../../../../src/io/synth/trip_pool.ts";
import { GREEN_2024_01 } from "../../../_support/fixtures.ts";

Deno.test("loadTripPool() keeps the 55,915 rows of green 2024-01 that pass the row rules (all but period and duplicate)", async () => {
  // 55,913 accepted + 2 outside_period in the contract's table.
  const pool = await loadTripPool(GREEN_2024_01, { rng: createRng(1) });
  assert.equal(pool.rowsRead, 56_551);
  assert.equal(pool.size, 55_915);
  assert.equal(pool.tripType, "green");
  assert.equal(pool.numeric.pickup_ts.length, 55_915);
  assert.equal(pool.flags.length, 55_915);
});

Deno.test("loadTripPool() caps the pool with a seeded uniform sample", async () => {
  const a = await loadTripPool(GREEN_2024_01, { rng: createRng(2), cap: 1_000 });
  const b = await loadTripPool(GREEN_2024_01, { rng: createRng(2), cap: 1_000 });
  assert.equal(a.size, 1_000);
  assert.deepEqual(a.numeric.pickup_ts, b.numeric.pickup_ts);
  const firstDay = Date.UTC(2024, 0, 2);
  const early = [...a.numeric.pickup_ts].filter((t) => t < firstDay).length;
  assert.ok(early < 200, "a reservoir, not the first 1,000 rows");
});
