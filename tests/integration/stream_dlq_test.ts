import assert from "node:assert/strict";
import { type DeadLetter, deadLetterSchema } from "../../schemas/trip_event.ts";
import { assembleTrips } from "../../src/pipelines/assemble_trips.ts";
import { produceEvents } from "../../src/pipelines/produce_events.ts";
import { streamTopics } from "../../src/pipelines/stream_topics.ts";
import { GREEN_2024_01 } from "../_support/fixtures.ts";
import { assertSameAsBatch, loadBatch, openWorld } from "./_stream_support.ts";

Deno.test("integration: malformed messages go to the DLQ with their bytes; valid traffic is unaffected", async () => {
  const world = await openWorld("dlq");
  try {
    await loadBatch(world);
    const topics = streamTopics(world.topicPrefix);
    await produceEvents(world.bus, GREEN_2024_01, { topicPrefix: world.topicPrefix });
    const valid = {
      v: 1,
      event_id: "0".repeat(32),
      event_type: "trip_ended",
      trip_key: "1".repeat(32),
      event_ts: "2024-01-05T10:00:00",
      trip_type: "green",
      period: "2024-01",
      source_file: "green_tripdata_2024-01.parquet",
      data: { dropoff_ts: "2024-01-05T10:00:00", do_location_id: 7, trip_distance: 1 },
    };
    const garbage = crypto.getRandomValues(new Uint8Array(1_000_000).subarray(0, 65_536));
    const big = new Uint8Array(1_000_000);
    for (let i = 0; i < big.length; i += garbage.length) {
      big.set(garbage.subarray(0, big.length - i), i);
    }
    const bad = [
      { key: "not-json", value: "this is not json" },
      { key: "version", value: JSON.stringify({ ...valid, v: 2 }) },
      {
        key: "missing",
        value: JSON.stringify({ ...valid, data: { dropoff_ts: "2024-01-05T10:00:00" } }),
      },
      { key: "garbage", value: big },
    ];
    await world.bus.publish(topics.events, bad);
    const summary = await assembleTrips(world, {
      topicPrefix: world.topicPrefix,
      group: world.group,
      untilIdle: true,
      idleMs: 3_000,
    });
    assert.equal(summary.deadLetters, 4);
    await assertSameAsBatch(world);

    const letters: DeadLetter[] = [];
    const sub = await world.bus.subscribe({
      group: `${world.group}_reader`,
      topics: [topics.dlq],
      handleBatch: (batch) => {
        for (const m of batch.messages) {
          letters.push(deadLetterSchema.parse(JSON.parse(new TextDecoder().decode(m.value))));
        }
        return Promise.resolve();
      },
    });
    const deadline = Date.now() + 30_000;
    while (letters.length < 4 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
    }
    await sub.stop();
    const byKey = new Map(letters.map((l) => [l.original_key, l]));
    assert.deepEqual([...byKey.keys()].sort(), ["garbage", "missing", "not-json", "version"]);
    assert.match(byKey.get("not-json")!.error, /^Cannot parse message/);
    assert.equal(atob(byKey.get("not-json")!.original_base64), "this is not json");
    assert.match(byKey.get("version")!.error, /^Cannot validate message: v/);
    assert.match(byKey.get("missing")!.error, /^Cannot validate message: data\./);
    const g = byKey.get("garbage")!;
    assert.equal(g.original_size, 1_000_000);
    assert.equal(g.truncated, true);
    assert.equal(g.topic, topics.events);
  } finally {
    await world.close();
  }
});
