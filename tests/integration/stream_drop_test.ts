import assert from "node:assert/strict";
import { assembleTrips } from "../../src/pipelines/assemble_trips.ts";
import { produceEvents } from "../../src/pipelines/produce_events.ts";
import { GREEN_2024_01 } from "../_support/fixtures.ts";
import { count, loadBatch, openWorld } from "./_stream_support.ts";

Deno.test("integration: trips that lost an event land in incomplete_trips, all others in trips", async () => {
  const world = await openWorld("drop");
  try {
    await loadBatch(world);
    const produced = await produceEvents(world.bus, GREEN_2024_01, {
      topicPrefix: world.topicPrefix,
      dropRate: 0.01,
      seed: 5,
    });
    assert.ok(produced.dropped > 300, `dropped ${produced.dropped}`);
    const summary = await assembleTrips(world, {
      topicPrefix: world.topicPrefix,
      group: world.group,
      untilIdle: true,
      idleMs: 3_000,
    });
    assert.equal(summary.completed, 55_913 - produced.dropped);
    assert.equal(await count(world, "trips"), 55_913 - produced.dropped);
    assert.equal(await count(world, "incomplete_trips"), produced.dropped);
    const batch = `"${world.batchSchema}"`;
    // Every stream trip is identical to its batch trip; every missing one is incomplete.
    const [check] = await world.store.query<Record<string, number>>(
      `select
        (select count(*)::int from (select * from trips except select * from ${batch}.trips) d) as extra,
        (select count(*)::int from ${batch}.trips b
          where not exists (select 1 from trips t where t.trip_key = b.trip_key)
            and not exists (select 1 from incomplete_trips i where i.trip_key = b.trip_key)) as lost,
        (select count(*)::int from incomplete_trips where cardinality(missing) <> 1) as bad_missing,
        (select count(*)::int from incomplete_trips i
          where (select count(*) from jsonb_object_keys(i.events)) <> 2) as bad_events`,
    );
    assert.deepEqual(check, { extra: 0, lost: 0, bad_missing: 0, bad_events: 0 });
  } finally {
    await world.close();
  }
});
