/**
 * A world for assembler rounds: one sample trip's events as bus batches, a
 * store, a memory cache and the round context over them.
 *
 * @module
 */
import { MemoryCache } from "../../../src/adapters/memory/cache.ts";
import { PgliteStore } from "../../../src/adapters/pglite/store.ts";
import { tripEvent } from "../../../src/domain/events/trip_to_events.ts";
import type { DeliveryBatch } from "../../../src/ports/bus.ts";
import type { Store } from "../../../src/ports/store.ts";
import {
  prepareRound,
  type RoundContext,
  type RoundCounts,
  writeRound,
} from "../../../src/pipelines/_assembly_round.ts";
import { PartialCache } from "../../../src/pipelines/_partial_cache.ts";
import { streamTopics } from "../../../src/pipelines/stream_topics.ts";
import type { RawTrip } from "../../../schemas/raw_trip.ts";
import type { TripEventType } from "../../../schemas/trip_event.ts";
import { originOf, sampleRow } from "../domain/events/_row.ts";
import { RecordingBus } from "./_recording_bus.ts";

const topics = streamTopics();
const row = sampleRow();

/** The sample trip. */
export const sampleTrip: RawTrip = row;

/** The sample trip's origin: its key is every event's message key. */
export const origin = originOf(row);

/** The three event types, in emission order. */
export const ALL_TYPES: TripEventType[] = ["trip_started", "trip_ended", "payment_processed"];

/** A batch of the sample trip's (or `trip`'s) events of `types` on `partition`, offsets from `from`. */
export function batch(
  partition: number,
  types: TripEventType[],
  from = 0,
  trip: RawTrip = row,
): DeliveryBatch {
  const tripOrigin = originOf(trip);
  return {
    topic: topics.events,
    partition,
    messages: types.map((type, i) => ({
      topic: topics.events,
      partition,
      offset: String(from + i),
      key: tripOrigin.tripKey,
      value: new TextEncoder().encode(JSON.stringify(tripEvent(trip, tripOrigin, type))),
    })),
  };
}

/**
 * A round context on `store` (default: a fresh PGlite database) and a memory
 * cache. Disposing of it closes the cache, and the store if it opened it.
 */
export async function world(store?: Store) {
  const ownsStore = store === undefined;
  store ??= await PgliteStore.open({
    dataDir: `memory://round_${crypto.randomUUID()}`,
    schema: "stream",
  });
  const cache = await MemoryCache.open();
  // Every key the rounds asked the cache to delete.
  const deleted: string[] = [];
  const deleteKeys = cache.delete.bind(cache);
  cache.delete = (keys) => (deleted.push(...keys), deleteKeys(keys));
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
  };
  return {
    store,
    partials,
    context,
    deleted,
    async [Symbol.asyncDispose]() {
      await cache.close();
      if (ownsStore) await store.close();
    },
  };
}

/** Prepares and writes one round of `batches`. */
export async function assembleRound(
  context: RoundContext,
  batches: DeliveryBatch[],
): Promise<RoundCounts> {
  return await writeRound(context, await prepareRound(context, batches));
}
