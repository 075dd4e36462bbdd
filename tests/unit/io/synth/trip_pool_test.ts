import assert from "node:assert/strict";
import { batchFromRows } from "../../../../src/domain/raw_trip_batch.ts";
import { createRng } from "../../../../src/io/synth/rng.ts";
import { isCleanRow, loadTripPool } from "../../../../src/io/synth/trip_pool.ts";
import { GREEN_2024_01 } from "../../../_support/fixtures.ts";
import { cleanRow } from "./_rows.ts";

Deno.test("loadTripPool() keeps the 55,915 rows of green 2024-01 that pass rules 1 and 3-9", async () => {
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

Deno.test("isCleanRow() accepts null fare and passengers, refuses each broken rule", () => {
  const check = (overrides: Parameters<typeof cleanRow>[0]) =>
    isCleanRow(batchFromRows([cleanRow(overrides)], { tripType: "green", sourceFile: "x" }), 0);
  assert.ok(check({}));
  assert.ok(check({ fare_amount: null, passenger_count: null, trip_distance: 0 }));
  assert.ok(!check({ dropoff_ts: null }));
  assert.ok(!check({ dropoff_ts: Date.UTC(2024, 0, 10, 8) }));
  assert.ok(!check({ dropoff_ts: Date.UTC(2024, 0, 10, 14, 0, 1) }));
  assert.ok(!check({ pu_location_id: 266 }));
  assert.ok(!check({ total_amount: 1000.01 }));
  assert.ok(!check({ trip_distance: 40 }));
  assert.ok(!check({ passenger_count: 10 }));
});
