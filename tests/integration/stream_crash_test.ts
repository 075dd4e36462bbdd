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

// Many small rounds, so that the kills land between commits of one replay.
const SMALL_ROUNDS = ["--fetch-kib", "32"];

Deno.test("integration: kill -9 of the assembler three times mid-replay still ends as a clean run", async () => {
  const world = await openWorld("crash");
  try {
    await loadBatch(world);
    await produceEvents(world.bus, GREEN_2024_01, {
      topicPrefix: world.topicPrefix,
      duplicateRate: 0.02,
      shuffleWindowMs: 60_000,
      seed: 3,
    });
    const progress: number[] = [];
    // Random, and reported on failure: a kill's timing cannot be replayed, only told.
    const delays: number[] = [];
    for (let kill = 0; kill < 3; kill++) {
      const child = spawnAssembler(world, ["--until-idle", "--idle-ms", "4000", ...SMALL_ROUNDS]);
      let exited = false;
      child.status.then(() => exited = true);
      // A random moment once this member has committed something, while rounds commit.
      const before = await count(world, "trips");
      const deadline = Date.now() + 120_000;
      while (await count(world, "trips") === before) {
        if (exited || Date.now() > deadline) {
          if (!exited) child.kill("SIGKILL");
          const { code, stderr } = await finish(child);
          assert.fail(`assembler ${kill + 1} committed nothing (exit ${code}): ${stderr}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      delays.push(Math.round(Math.random() * 500));
      await new Promise((resolve) => setTimeout(resolve, delays.at(-1)));
      child.kill("SIGKILL");
      const result = await finish(child);
      assert.equal(result.signal, "SIGKILL", result.stderr);
      progress.push(await count(world, "trips"));
    }
    const last = await finish(
      spawnAssembler(world, ["--until-idle", "--idle-ms", "4000", ...SMALL_ROUNDS]),
    );
    assert.equal(last.code, 0, `kills ${delays} ms after a commit was seen: ${last.stderr}`);
    // Every kill landed mid-replay: after its member's first commit, before the last trip.
    assert.ok(
      progress.every((n, i) => n > (progress[i - 1] ?? 0) && n < 55_913),
      `trips stored at each kill: ${progress} (kills ${delays} ms after a commit was seen)`,
    );
    await assertSameAsBatch(world);
    assert.equal(await count(world, "incomplete_trips"), 0);
  } finally {
    await world.close();
  }
});
