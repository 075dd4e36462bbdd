/**
 * One assembler round: the batches gathered from one fetch (several
 * partitions of the events and rejects topics), handled in ONE transaction.
 *
 * Two stages. {@linkcode prepareRound} parses and validates (failures go to
 * the DLQ topic first: at least once, never lost). {@linkcode writeRound},
 * in the transaction, merges the events with the partial state (cache, plus
 * `incomplete_trips` for expired trips), inserts completed trips and
 * rejects, expires partials past each partition's watermark, adds the new
 * trips to their zone-hours' KPI sums (marking those KPIs stale) and saves
 * the live partials to the cache;
 * after the commit, it removes settled trips from the cache. The bus commits
 * offsets last, so replaying a round after a crash at any point converges to
 * the same tables.
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
import type { z } from "zod";
import { type PartialTrip, TripAssembler } from "../domain/assembly/trip_assembler.ts";
import { isStorableText } from "../domain/curation/storable.ts";
import { eventTimeMismatch } from "../domain/events/events_to_trip.ts";
import { isNaiveIso } from "../domain/events/naive_time.ts";
import { hourSumsOf } from "../domain/kpis/hour_sums.ts";
import type { Bus, DeliveryBatch, OutgoingMessage } from "../ports/bus.ts";
import type { SqlClient, Store } from "../ports/store.ts";
import { addHourSums } from "../store/kpi_sql.ts";
import {
  deleteIncomplete,
  isStoredTripConflict,
  lockPartitions,
  type PartitionRef,
  storedState,
  storedTripKeys,
  writeCompleted,
  writeIncomplete,
  writeRejects,
} from "./_assembly_sql.ts";
import { compileCheck, type CompiledCheck } from "./_compiled_check.ts";
import { deadLetter, parseMessages } from "./_dead_letter.ts";
import type { PartialCache } from "./_partial_cache.ts";
import type { StreamTopics } from "./stream_topics.ts";

// Compiled when the first round is prepared, not when a task merely imports this module.
let _isTripEvent: Promise<CompiledCheck<TripEvent>> | undefined;
let _isTripReject: Promise<CompiledCheck<TripRejectMessage>> | undefined;

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

/** The valid events of one partition in a round. */
export interface ParsedPartition {
  batch: DeliveryBatch;
  events: TripEvent[];
  /** The trip keys of these events, each once. */
  keys: string[];
}

/** A partition's events being written, with the assembler that owns its trips. */
interface PartitionWork extends ParsedPartition {
  assembler: TripAssembler;
  /** The trips of this round that it owns: their events, wherever they came from, go to its assembler. */
  owned: string[];
  /** Keys of cached partials due to expire that had no event in this round. */
  due: string[];
}

/** A round after parsing: its valid events by partition, its rejects, and what went to the DLQ. */
export interface PreparedRound {
  /** The topic partition of every batch handed over, of either topic: the round locks them. */
  sources: PartitionRef[];
  partitions: ParsedPartition[];
  rejects: TripRejectMessage[];
  deadLetters: number;
}

/**
 * Parses and validates a round's messages and publishes the ones that fail
 * to the DLQ. Needs no state, so it runs while the previous round is written;
 * it yields between batches so that round's database replies are not held up.
 *
 * @example
 * ```ts ignore
 * const counts = await writeRound(context, await prepareRound(context, batches));
 * console.log(counts.completed);
 * ```
 */
export async function prepareRound(
  context: RoundContext,
  batches: readonly DeliveryBatch[],
): Promise<PreparedRound> {
  const { bus, topics } = context;
  const isTripEvent = await (_isTripEvent ??= compileCheck(tripEventSchema, "event_type"));
  const isTripReject = await (_isTripReject ??= compileCheck(tripRejectSchema));
  const dead: OutgoingMessage[] = [];
  const rejects: TripRejectMessage[] = [];
  const partitions: ParsedPartition[] = [];
  for (const [i, batch] of batches.entries()) {
    if (i > 0) await new Promise((r) => setTimeout(r, 0));
    if (batch.topic === topics.rejects) {
      const valid = _validMessages(batch, dead, tripRejectSchema, isTripReject, _rejectRefusal);
      for (const reject of valid) {
        rejects.push(reject);
      }
      continue;
    }
    const events = _validMessages(batch, dead, tripEventSchema, isTripEvent, _eventRefusal);
    const keys = [...new Set(events.map((e) => e.trip_key))];
    partitions.push({ batch, events, keys });
  }
  if (dead.length > 0) await bus.publish(topics.dlq, dead);
  const sources = batches.map(({ topic, partition }) => ({ topic, partition }));
  return { sources, partitions, rejects, deadLetters: dead.length };
}

/**
 * Why an event is refused, or undefined: what the tables cannot hold (its
 * trip's COPY, or its partial's row in `incomplete_trips`, would fail the
 * round at every restart), a time the calendar does not have (Feb 30: the
 * schema checks each field's range only), or a time off its own pickup or
 * dropoff (a forged time would move the watermark).
 */
function _eventRefusal(event: TripEvent): string | undefined {
  const flag = event.event_type === "trip_started" ? event.data.store_and_fwd_flag : null;
  const why = !isStorableText(event.source_file)
    ? "its source_file is text PostgreSQL cannot hold"
    : flag !== null && !isStorableText(flag)
    ? "its store_and_fwd_flag is text PostgreSQL cannot hold"
    : event.event_ts.startsWith("0000-") || event.period.startsWith("0000-")
    ? "its time or period is in the year 0, which PostgreSQL does not have"
    : !isNaiveIso(event.event_ts)
    ? `its event_ts ${event.event_ts} is not a day and time of the calendar`
    : eventTimeMismatch(event);
  return why === undefined ? undefined : `Cannot use event ${event.event_id}: ${why}`;
}

/** Why a reject is refused, or undefined: what `rejected_trips` cannot hold would fail the round. */
function _rejectRefusal(reject: TripRejectMessage): string | undefined {
  const texts = [reject.source_file, ...Object.entries(reject.raw).flat()];
  const why = texts.some((t) => typeof t === "string" && !isStorableText(t))
    ? "it holds text PostgreSQL cannot hold"
    : reject.period?.startsWith("0000-")
    ? `its period ${reject.period} is before the year 1`
    : undefined;
  return why === undefined
    ? undefined
    : `Cannot use the reject of row ${reject.source_row} of ${
      JSON.stringify(reject.source_file)
    }: ${why}`;
}

/**
 * The messages of `batch` that parse, validate and that `refuse` (a check
 * the schema cannot express) finds nothing wrong with; the others' dead
 * letters go to `dead`.
 */
function _validMessages<T>(
  batch: DeliveryBatch,
  dead: OutgoingMessage[],
  schema: z.ZodType<T>,
  check?: CompiledCheck<T>,
  refuse?: (value: T) => string | undefined,
): T[] {
  const valid: T[] = [];
  parseMessages(batch.messages, schema, check).forEach((parsed, i) => {
    const error = parsed.ok ? refuse?.(parsed.value) : parsed.error;
    if (error === undefined) valid.push((parsed as { value: T }).value);
    else dead.push(deadLetter(batch.messages[i]!, error));
  });
  return valid;
}

/**
 * Writes a prepared round in one transaction; resolves after the commit and
 * the cache update. Rounds of one partition run one at a time, whichever
 * member writes them (`lockPartitions`), and each reads the cache inside its
 * transaction and saves to it before the commit, so a member still writing a
 * round after a rebalance never overwrites what the partition's new owner
 * saved. Only removals wait for the commit: a removed trip is in `trips` or
 * `incomplete_trips` by then (or dead-lettered, its events not matching its
 * key), so a late removal loses nothing that the tables would get.
 *
 * A round first assumes that none of its trips is stored yet, and does not
 * look them up in `trips` (a lookup per key, most of the database's work per
 * round). Where that is wrong, either a completed trip's insert meets its
 * key, and the round is written again, this time looking up every key (a
 * round redelivered after a crash, or copies of all of a trip's events); or
 * the copies of a stored trip's events are held as a partial trip, which is
 * looked up when it expires, and dropped as duplicates.
 *
 * @example
 * ```ts ignore
 * const counts = await writeRound(context, await prepareRound(context, batches));
 * console.log(counts.completed);
 * ```
 */
export async function writeRound(
  context: RoundContext,
  round: PreparedRound,
): Promise<RoundCounts> {
  try {
    return await _writeRound(context, round, false);
  } catch (error) {
    if (!isStoredTripConflict(error)) throw error;
    return await _writeRound(context, round, true);
  }
}

async function _writeRound(
  context: RoundContext,
  round: PreparedRound,
  lookUpTrips: boolean,
): Promise<RoundCounts> {
  const { store, bus, partials, topics, latenessMs, timeoutMs } = context;
  const { partitions, rejects } = round;
  const keys = [...new Set(partitions.flatMap((p) => p.keys))];
  const counts = await store.transaction(async (tx) => {
    await lockPartitions(tx, round.sources);
    const cached = partials.load(keys);
    cached.catch(() => {});
    const [clocks] = await Promise.all([partials.watermarks(), writeRejects(tx, rejects)]);
    const owners = new Map<string, TripAssembler>();
    const work = partitions.map((parsed): PartitionWork => {
      const assembler = new TripAssembler({
        latenessMs,
        timeoutMs,
        maxEventMs: clocks.get(parsed.batch.partition) ?? -Infinity,
      });
      // A key on two partitions (not from our producer) belongs to the first one's assembler.
      const owned = parsed.keys.filter((key) => !owners.has(key));
      for (const key of owned) owners.set(key, assembler);
      return { ...parsed, assembler, owned, due: [] };
    });
    let duplicates = await restorePartials(tx, owners, cached, lookUpTrips);
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
      duplicates += await restorePartials(
        tx,
        dueOwners,
        partials.load([...dueOwners.keys()]),
        lookUpTrips,
      );
    }
    const newlyExpired = work.flatMap((w) => w.assembler.expire());
    await writeCompleted(tx, completed);
    // All of the round's trips add to the sums rows of one partition whose lock it
    // holds, so no other round writes those rows meanwhile: one row per zone-hour
    // and round, where a row per partition repeated the hours they share.
    if (work.length > 0) {
      const source = Math.min(...work.map((w) => w.batch.partition));
      await addHourSums(tx, [{ source, sums: hourSumsOf(completed) }]);
    }
    // Every expired trip held: newly expired, and stored ones that got events or
    // were also in the cache (a crash between commit and cache update).
    const expiring = work.flatMap((w) => w.assembler.partials().filter((p) => p.expired));
    const stored = lookUpTrips
      ? new Set<string>()
      : await storedTripKeys(tx, expiring.map((p) => p.trip_key));
    for (const p of expiring) if (stored.has(p.trip_key)) duplicates += _eventCount(p);
    await writeIncomplete(tx, expiring.filter((p) => !stored.has(p.trip_key)));
    const expired = newlyExpired.filter((p) => !stored.has(p.trip_key)).length;
    const live = work.map(_live);
    await Promise.all(work.map((w, i) => _saveLive(partials, w, live[i]!)));
    // Only what the round read from the cache (and its due keys) can be there to remove:
    // most trips of a round start and settle in it, never cached.
    const held = new Set((await cached).map((partial) => partial.trip_key));
    // A refused trip that had expired leaves incomplete_trips too, as a completed one does.
    const refused = work.map((w) => w.assembler.takeInvalid());
    await deleteIncomplete(
      tx,
      refused.flat().filter((trip) => trip.was_expired).map((trip) => trip.trip_key),
    );
    return { work, completed: completed.length, expired, duplicates, live, held, refused };
  });
  const { work } = counts;

  const invalid = work.flatMap((w, i) =>
    counts.refused[i]!.map((trip) =>
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
  await Promise.all(
    work.map((w, i) => _forgetSettled(partials, w, counts.held, counts.live[i]!)),
  );

  let events = 0;
  for (const w of partitions) events += w.events.length;
  return {
    events,
    completed: counts.completed,
    expired: counts.expired,
    duplicates: counts.duplicates,
    rejects: rejects.length,
    deadLetters: round.deadLetters + invalid.length,
  };
}

/**
 * Gives each trip's owner what is known of it: its partial from the cache
 * (`cached`, possibly still being read), its expired partial from
 * `incomplete_trips` and, with `lookUpTrips`, whether it is already in
 * `trips`. Returns how many events the cache held for stored trips: copies
 * that arrived after the trip was stored (see {@linkcode writeRound}), or,
 * after a crash between a commit and the cache's update, the trip's own.
 *
 * @example
 * ```ts ignore
 * const copies = await restorePartials(tx, owners, partials.load(keys), true);
 * ```
 */
export async function restorePartials(
  tx: SqlClient,
  owners: ReadonlyMap<string, TripAssembler>,
  cached: PartialTrip[] | Promise<PartialTrip[]>,
  lookUpTrips: boolean,
): Promise<number> {
  const [held, stored] = await Promise.all([
    cached,
    storedState(tx, [...owners.keys()], lookUpTrips),
  ]);
  for (const partial of held) owners.get(partial.trip_key)!.load(partial);
  for (const partial of stored.expired) owners.get(partial.trip_key)!.load(partial);
  const done = new Set(stored.done);
  let copies = 0;
  for (const partial of held) if (done.has(partial.trip_key)) copies += _eventCount(partial);
  for (const key of done) owners.get(key)!.markDone([key]);
  return copies;
}

function _eventCount(partial: PartialTrip): number {
  return Object.keys(partial.events).length;
}

/** The partition's live partials of this round. */
function _live(w: PartitionWork): PartialTrip[] {
  const live: PartialTrip[] = [];
  for (const key of w.owned) {
    const partial = w.assembler.get(key);
    if (partial !== undefined && !partial.expired) live.push(partial);
  }
  return live;
}

/** Saves the partition's live partials and moves its watermark (inside the transaction). */
async function _saveLive(
  partials: PartialCache,
  w: PartitionWork,
  live: readonly PartialTrip[],
): Promise<void> {
  const p = w.batch.partition;
  await Promise.all([partials.save(p, live), partials.setWatermark(p, w.assembler.maxEventMs)]);
}

/**
 * Forgets the partition's cached trips that are settled: completed, expired
 * or already stored. `held` are the keys the round read from the cache.
 */
async function _forgetSettled(
  partials: PartialCache,
  w: PartitionWork,
  held: ReadonlySet<string>,
  live: readonly PartialTrip[],
): Promise<void> {
  const liveKeys = new Set(live.map((partial) => partial.trip_key));
  await partials.remove(
    w.batch.partition,
    [...w.owned.filter((key) => held.has(key)), ...w.due].filter((key) => !liveKeys.has(key)),
  );
}
