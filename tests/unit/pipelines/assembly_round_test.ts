import assert from "node:assert";
import { MemoryCache } from "../../../src/adapters/memory/cache.ts";
import { PgliteStore } from "../../../src/adapters/pglite/store.ts";
import { tripEvent } from "../../../src/domain/events/trip_to_events.ts";
import type { DeliveryBatch } from "../../../src/ports/bus.ts";
import {
  prepareRound,
  type RoundContext,
  writeRound,
} from "../../../src/pipelines/_assembly_round.ts";
import { PartialCache } from "../../../src/pipelines/_partial_cache.ts";
import { streamTopics } from "../../../src/pipelines/stream_topics.ts";
import type { TripEventType } from "../../../schemas/trip_event.ts";
import { originOf, sampleRow } from "../domain/events/_row.ts";
import { RecordingBus } from "./_recording_bus.ts";

const topics = streamTopics();
const row = sampleRow();
const origin = originOf(row);

function batch(partition: number, types: TripEventType[], from = 0): DeliveryBatch {
  return {
    topic: topics.events,
    partition,
    messages: types.map((type, i) => ({
      topic: topics.events,
      partition,
      offset: String(from + i),
      key: origin.tripKey,
      value: new TextEncoder().encode(JSON.stringify(tripEvent(row, origin, type))),
    })),
  };
}

async function world() {
  const store = await PgliteStore.open({
    dataDir: `memory://round_${crypto.randomUUID()}`,
    schema: "stream",
  });
  const cache = await MemoryCache.open();
  const bus = new RecordingBus();
  await bus.ensureTopic(topics.dlq, 1);
  const partials = new PartialCache(cache, "t:");
  const context: RoundContext = {
    store,
    bus,
    partials,
    topics,
    latenessMs: 600_000,
    timeoutMs: 25_200_000,
    expirePerRound: 100,
    seen: () => {},
  };
  return { store, cache, partials, context };
}

async function assembleRound(context: RoundContext, batches: DeliveryBatch[]) {
  return await writeRound(context, await prepareRound(context, batches));
}

Deno.test("a round completes a trip whose events one round got from several partitions", async () => {
  const { store, cache, partials, context } = await world();
  try {
    // Not our producer's doing (it keys every event of a trip alike), but another's could be.
    const counts = await assembleRound(context, [
      batch(0, ["trip_started", "trip_ended"]),
      batch(1, ["payment_processed"]),
    ]);
    assert.equal(counts.completed, 1);
    assert.equal(counts.events, 3);
    const [trips] = await store.query<{ n: number }>("select count(*)::int as n from trips");
    assert.equal(trips!.n, 1);
    assert.deepEqual(await partials.load([origin.tripKey]), [], "no partial trip left behind");
  } finally {
    await cache.close();
    await store.close();
  }
});

Deno.test("a round keeps a trip split over partitions whole in the cache until it completes", async () => {
  const { store, cache, partials, context } = await world();
  try {
    await assembleRound(context, [batch(0, ["trip_started"]), batch(1, ["trip_ended"])]);
    const [held] = await partials.load([origin.tripKey]);
    assert.deepEqual(Object.keys(held!.events).sort(), ["trip_ended", "trip_started"]);
    const counts = await assembleRound(context, [batch(2, ["payment_processed"])]);
    assert.equal(counts.completed, 1);
    assert.deepEqual(await partials.load([origin.tripKey]), []);
  } finally {
    await cache.close();
    await store.close();
  }
});

Deno.test("writeRound() of a member that lost the partition never overwrites what its new owner saved", async () => {
  const { store, cache, partials, context } = await world();
  try {
    // The old owner still writes offset 0 while the new owner, starting from the last
    // committed offset, has already read offsets 0 and 1; its round reaches the store first.
    const stale = await prepareRound(context, [batch(0, ["trip_started"])]);
    const fresh = await prepareRound(context, [batch(0, ["trip_started", "trip_ended"])]);
    await Promise.all([writeRound(context, fresh), writeRound(context, stale)]);
    const [held] = await partials.load([origin.tripKey]);
    assert.deepEqual(Object.keys(held!.events).sort(), ["trip_ended", "trip_started"]);
    const counts = await assembleRound(context, [batch(0, ["payment_processed"], 2)]);
    assert.equal(counts.completed, 1);
  } finally {
    await cache.close();
    await store.close();
  }
});
