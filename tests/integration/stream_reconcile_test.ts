import assert from "node:assert/strict";
import { assembleTrips } from "../../src/pipelines/assemble_trips.ts";
import { produceEvents } from "../../src/pipelines/produce_events.ts";
import { GREEN_2024_01 } from "../_support/fixtures.ts";
import { assertSameAsBatch, count, loadBatch, openWorld } from "./_stream_support.ts";

Deno.test("integration: produce + assemble through Kafka, Redis and PostgreSQL equals the batch load", async () => {
  const world = await openWorld("reconcile");
  try {
    await loadBatch(world);
    const produced = await produceEvents(world.bus, GREEN_2024_01, {
      topicPrefix: world.topicPrefix,
    });
    assert.equal(produced.events, 55_913 * 3);
    const summary = await assembleTrips(world, {
      topicPrefix: world.topicPrefix,
      group: world.group,
      untilIdle: true,
      idleMs: 3_000,
    });
    assert.equal(summary.completed, 55_913);
    assert.equal(summary.rejects, 638);
    await assertSameAsBatch(world);
    assert.equal(await count(world, "incomplete_trips"), 0);
    const [audit] = await world.store.query<Record<string, unknown>>(
      "select path, rows_read::int, accepted::int, period::text from load_audit",
    );
    assert.deepEqual(audit, {
      path: "stream",
      rows_read: 56_551,
      accepted: 55_913,
      period: "2024-01-01",
    });
  } finally {
    await world.close();
  }
});

Deno.test("integration: shuffled, duplicated and late events still assemble to the batch load", async () => {
  // Small rounds: late payments arrive rounds after their trip's watermark passed.
  const world = await openWorld("disorder", { maxBytesPerPartition: 64 * 1024 });
  try {
    await loadBatch(world);
    const produced = await produceEvents(world.bus, GREEN_2024_01, {
      topicPrefix: world.topicPrefix,
      shuffleWindowMs: 120_000,
      duplicateRate: 0.05,
      lateRate: 0.05,
      lateByMs: 3 * 3_600_000,
      seed: 11,
    });
    assert.ok(produced.duplicated > 0 && produced.late > 0);
    // A short timeout makes late payments expire first and complete afterwards.
    const summary = await assembleTrips(world, {
      topicPrefix: world.topicPrefix,
      group: world.group,
      untilIdle: true,
      idleMs: 3_000,
      latenessMs: 60_000,
      timeoutMs: 3_600_000,
    });
    assert.equal(summary.completed, 55_913);
    assert.ok(summary.duplicates > 0, "duplicates were seen");
    assert.ok(summary.expired > 0, "late trips expired before completing");
    await assertSameAsBatch(world);
    assert.equal(await count(world, "incomplete_trips"), 0);
  } finally {
    await world.close();
  }
});
