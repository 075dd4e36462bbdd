import assert from "node:assert/strict";
import { produceEvents } from "../../src/pipelines/produce_events.ts";
import { GREEN_2024_01 } from "../_support/fixtures.ts";
import {
  assertSameAsBatch,
  count,
  finish,
  loadBatch,
  openWorld,
  spawnAssembler,
} from "./_stream_support.ts";

const SMALL_ROUNDS = ["--fetch-kib", "128"];

Deno.test("integration: two assemblers in one group, one stopped mid-run, end as a clean run", async () => {
  const world = await openWorld("group");
  try {
    await loadBatch(world);
    await produceEvents(world.bus, GREEN_2024_01, { topicPrefix: world.topicPrefix });
    // Many small rounds, so that the first member is still busy when the second joins.
    const first = spawnAssembler(world, SMALL_ROUNDS);
    await _waitForTrips(world, 3_000);
    // The second member joins a group that is already working: a rebalance shares the partitions.
    const second = spawnAssembler(world, ["--until-idle", "--idle-ms", "8000", ...SMALL_ROUNDS]);
    const before = await count(world, "trips");
    await _waitForTrips(world, before + 3_000);
    first.kill("SIGTERM");
    const stopped = await finish(first);
    assert.equal(stopped.code, 0, stopped.stderr);
    const stoppedSummary = JSON.parse(stopped.stdout);
    assert.equal(stoppedSummary.stoppedBy, "signal");
    assert.ok(stoppedSummary.batches > 0, `the stopped member did some work: ${stopped.stdout}`);
    const rest = await finish(second);
    assert.equal(rest.code, 0, rest.stderr);
    assert.ok(JSON.parse(rest.stdout).events > 0, `the other member did the rest: ${rest.stdout}`);
    await assertSameAsBatch(world);
    assert.equal(await count(world, "incomplete_trips"), 0);
  } finally {
    await world.close();
  }
});

async function _waitForTrips(
  world: Awaited<ReturnType<typeof openWorld>>,
  n: number,
): Promise<void> {
  const deadline = Date.now() + 90_000;
  while (await count(world, "trips") < n) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${n} trips`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
