/**
 * One assembler round: the batches gathered from one fetch (several
 * partitions of the events and rejects topics), handled in ONE transaction.
 *
 * In this order: parse and validate (failures go to the DLQ topic first: at
 * least once, never lost); in the transaction, merge the events with the
 * partial state (cache, plus `incomplete_trips` for expired trips), insert
 * completed trips and rejects, expire partials past each partition's
 * watermark, recompute the KPIs of the zone-hours touched; after the commit,
 * update the cache. The bus commits offsets last, so replaying a round after
 * a crash at any point converges to the same tables.
 *
 * Every partition keeps its own watermark (an event-time clock of its own
 * events), so each gets its own {@linkcode TripAssembler}; their trip keys
 * are disjoint because a trip's events share a key, hence a partition.
 *
 * @module
 */
import {
  type TripEvent,
  tripEventSchema,
  type TripRejectMessage,
  tripRejectSchema,
} from "../../schemas/trip_event.ts";
import { type PartialTrip, TripAssembler } from "../domain/assembly/trip_assembler.ts";
import type { Bus, DeliveryBatch, OutgoingMessage } from "../ports/bus.ts";
import type { SqlClient, Store } from "../ports/store.ts";
import {
  lockAssembly,
  storedState,
  writeCompleted,
  writeIncomplete,
  writeRejects,
} from "./_assembly_sql.ts";
import { deadLetter, parseMessage } from "./_dead_letter.ts";
import type { PartialCache } from "./_partial_cache.ts";
import type { StreamTopics } from "./stream_topics.ts";

/** What a round needs: the ports, where partials live, and the assembler's clock settings. */
export interface RoundContext {
  store: Store;
  bus: Bus;
  partials: PartialCache;
  topics: StreamTopics;
  latenessMs: number;
  timeoutMs: number;
  /** Most partial trips one partition expires per round. */
  expirePerRound: number;
  /** Told the source of every valid event and reject (for the audit at the end). */
  seen(file: string, tripType: string, period: string | null): void;
}

/** What one round did. */
export interface RoundCounts {
  events: number;
  completed: number;
  duplicates: number;
  expired: number;
  rejects: number;
  deadLetters: number;
}

/** The events of one partition in a round, and the assembler that owns its trips. */
interface PartitionWork {
  batch: DeliveryBatch;
  events: TripEvent[];
  assembler: TripAssembler;
  /** The trips of this round that it owns: their events, wherever they came from, go to its assembler. */
  keys: string[];
  /** Keys of cached partials due to expire that had no event in this round. */
  due: string[];
}

/**
 * Handles one round of batches; resolves after the transaction commits and
 * the cache is updated.
 *
 * @example
 * ```ts ignore
 * const counts = await assembleRound(context, batches);
 * console.log(counts.completed);
 * ```
 */
export async function assembleRound(
  context: RoundContext,
  batches: readonly DeliveryBatch[],
): Promise<RoundCounts> {
  const { store, bus, partials, topics, latenessMs, timeoutMs } = context;
  const dead: OutgoingMessage[] = [];
  const rejects: TripRejectMessage[] = [];
  const watermarks = partials.watermarks();
  const work: PartitionWork[] = [];
  for (const batch of batches) {
    if (batch.topic === topics.rejects) {
      for (const delivery of batch.messages) {
        const parsed = parseMessage(delivery, tripRejectSchema);
        if (parsed.ok) rejects.push(parsed.value);
        else dead.push(deadLetter(delivery, parsed.error));
      }
      continue;
    }
    const events: TripEvent[] = [];
    for (const delivery of batch.messages) {
      const parsed = parseMessage(delivery, tripEventSchema);
      if (parsed.ok) events.push(parsed.value);
      else dead.push(deadLetter(delivery, parsed.error));
    }
    const keys = [...new Set(events.map((e) => e.trip_key))];
    work.push({ batch, events, keys, assembler: undefined!, due: [] });
  }
  if (dead.length > 0) await bus.publish(topics.dlq, dead);

  // A key on two partitions (not from our producer) belongs to the first one's assembler.
  const keys = [...new Set(work.flatMap((w) => w.keys))];
  // Read while the transaction starts; a failure surfaces where it is awaited.
  const cached = partials.load(keys);
  cached.catch(() => {});
  const clocks = await watermarks;
  const owners = new Map<string, TripAssembler>();
  for (const w of work) {
    w.assembler = new TripAssembler({
      latenessMs,
      timeoutMs,
      maxEventMs: clocks.get(w.batch.partition) ?? -Infinity,
    });
    const owned: string[] = [];
    for (const key of w.keys) {
      if (owners.has(key)) continue;
      owners.set(key, w.assembler);
      owned.push(key);
    }
    w.keys = owned;
  }
  const counts = await store.transaction(async (tx) => {
    await lockAssembly(tx);
    await writeRejects(tx, rejects);
    await restorePartials(tx, owners, cached);
    let duplicates = 0;
    for (const w of work) {
      for (const event of w.events) {
        const outcome = owners.get(event.trip_key)!.add(event);
        // "done": a copy of an event of a trip already stored.
        if (outcome === "duplicate" || outcome === "done") duplicates++;
      }
    }
    const completed = work.flatMap((w) => w.assembler.takeCompleted());
    const dueOwners = new Map<string, TripAssembler>();
    const dueLists = await Promise.all(
      work.map((w) =>
        partials.due(w.batch.partition, w.assembler.expiryCutoff, context.expirePerRound)
      ),
    );
    work.forEach((w, i) => {
      w.due = dueLists[i]!.filter((key) => !owners.has(key));
      for (const key of w.due) dueOwners.set(key, w.assembler);
    });
    if (dueOwners.size > 0) {
      await restorePartials(tx, dueOwners, partials.load([...dueOwners.keys()]));
    }
    const expired = work.reduce((n, w) => n + w.assembler.expire().length, 0);
    await writeCompleted(tx, completed);
    // Every expired trip held: newly expired, and stored ones that got events or
    // were also in the cache (a crash between commit and cache update).
    await writeIncomplete(
      tx,
      work.flatMap((w) => w.assembler.partials().filter((partial) => partial.expired)),
    );
    return { completed: completed.length, expired, duplicates };
  });

  const invalid = work.flatMap((w) =>
    w.assembler.takeInvalid().map((trip) =>
      deadLetter({
        topic: w.batch.topic,
        partition: w.batch.partition,
        offset: w.batch.messages[0]!.offset,
        key: trip.trip_key,
        value: new TextEncoder().encode(JSON.stringify(trip.events)),
      }, trip.error)
    )
  );
  if (invalid.length > 0) await bus.publish(topics.dlq, invalid);
  await Promise.all(work.map((w) => _updateCache(partials, w)));

  let events = 0;
  for (const w of work) {
    events += w.events.length;
    for (const e of w.events) context.seen(e.source_file, e.trip_type, e.period);
  }
  for (const r of rejects) context.seen(r.source_file, r.trip_type, r.period);
  return {
    events,
    ...counts,
    rejects: rejects.length,
    deadLetters: dead.length + invalid.length,
  };
}

/**
 * Gives each trip's owner what is known of it: its partial from the cache
 * (`cached`, possibly still being read), its expired partial from
 * `incomplete_trips`, and whether it is already in `trips`.
 *
 * @example
 * ```ts ignore
 * await restorePartials(tx, new Map(keys.map((key) => [key, assembler])), partials.load(keys));
 * ```
 */
export async function restorePartials(
  tx: SqlClient,
  owners: ReadonlyMap<string, TripAssembler>,
  cached: PartialTrip[] | Promise<PartialTrip[]>,
): Promise<void> {
  const [held, stored] = await Promise.all([cached, storedState(tx, [...owners.keys()])]);
  for (const partial of held) owners.get(partial.trip_key)!.load(partial);
  for (const partial of stored.expired) owners.get(partial.trip_key)!.load(partial);
  for (const key of stored.done) owners.get(key)!.markDone([key]);
}

/** Saves the partition's live partials, forgets the rest, and moves its watermark. */
async function _updateCache(partials: PartialCache, w: PartitionWork): Promise<void> {
  const p = w.batch.partition;
  const live = w.keys.map((key) => w.assembler.get(key))
    .filter((partial) => partial !== undefined && !partial.expired)
    .map((partial) => partial!);
  const liveKeys = new Set(live.map((partial) => partial.trip_key));
  // Disjoint keys: sent together, answered in order on one connection.
  await Promise.all([
    partials.save(p, live),
    partials.remove(p, [...w.keys, ...w.due].filter((key) => !liveKeys.has(key))),
    partials.setWatermark(p, w.assembler.maxEventMs),
  ]);
}
