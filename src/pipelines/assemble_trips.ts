/**
 * The stream path's sink: a consumer-group member that rebuilds trips from
 * their events and writes them, exactly once in effect, to the store.
 *
 * Per batch, in this order: parse and validate (failures go to the DLQ topic);
 * in ONE transaction, merge the events with the partial state (cache, plus
 * `incomplete_trips` for expired trips), insert completed trips, expire
 * partials past the watermark, recompute the KPIs of the zone-hours touched;
 * after the commit, update the cache; the bus commits offsets last. Replaying
 * a batch after a crash at any point converges to the same tables.
 *
 * Decisions the contract leaves open:
 * - Transactions of one schema take an advisory lock, so two members never
 *   recompute the same zone-hour (or expire the same trip) from stale snapshots.
 * - Expiry is per partition: its watermark is the latest event time seen on
 *   it (kept in the cache) minus the lateness; a partial trip expires when its
 *   first event is `timeoutMs` behind that. An expired trip that later gets its
 *   missing events completes and leaves `incomplete_trips`.
 * - `untilIdle` treats idleness as the end of the input: every partial trip
 *   still held is expired, then one `load_audit` row (path `stream`, no file
 *   hash) is written per source file seen, with counts read from the tables
 *   (accepted = its trips; rows read = trips + rejects + incomplete). A member
 *   stopped by a signal neither flushes nor audits.
 * - Dead letters are published before the batch's transaction: at least once
 *   (a crash may repeat one), never lost.
 *
 * @module
 */
import {
  type TripEvent,
  tripEventSchema,
  type TripRejectMessage,
  tripRejectSchema,
} from "../../schemas/trip_event.ts";
import { TripAssembler } from "../domain/assembly/trip_assembler.ts";
import type { Bus, DeliveryBatch, OutgoingMessage } from "../ports/bus.ts";
import type { Cache } from "../ports/cache.ts";
import type { Store } from "../ports/store.ts";
import {
  lockAssembly,
  storedState,
  writeCompleted,
  writeIncomplete,
  writeRejects,
} from "./_assembly_sql.ts";
import { writeStreamAudit } from "./_stream_audit.ts";
import { deadLetter, parseMessage } from "./_dead_letter.ts";
import { PartialCache } from "./_partial_cache.ts";
import { streamTopics } from "./stream_topics.ts";

/** Options of {@linkcode assembleTrips}. */
export interface AssembleOptions {
  /** Consumer group. @default "chillflow-assembler" */
  group?: string;
  /** Prepended to the topic names. @default "" */
  topicPrefix?: string;
  /** Partitions of the topics, when the assembler starts before the producer created them. @default 6 */
  partitions?: number;
  /** Stop once no batch arrived for `idleMs`, expire what is still partial, write the audit. */
  untilIdle?: boolean;
  /** @default 10000 */
  idleMs?: number;
  /** Allowed lateness behind the latest event time, ms. @default 600000 (10 min) */
  latenessMs?: number;
  /** How long a partial trip waits, ms of event time. @default 25200000 (7 h: longer than any accepted trip) */
  timeoutMs?: number;
  /** Aborting stops after the batch in flight is committed (no flush). */
  signal?: AbortSignal;
  /** Told the number of events handled so far. */
  progress?: (events: number) => void;
}

/** What one assembler run did. */
export interface AssembleSummary {
  events: number;
  completed: number;
  duplicates: number;
  expired: number;
  rejects: number;
  deadLetters: number;
  batches: number;
  /** Partials expired at the idle exit (end of input). */
  flushed: number;
  stoppedBy: "idle" | "signal";
  seconds: number;
  eventsPerSecond: number;
}

/** The ports the assembler needs. */
export interface AssemblePorts {
  store: Store;
  bus: Bus;
  cache: Cache;
}

const EXPIRE_PER_BATCH = 10_000;

/**
 * Runs an assembler until idle (with `untilIdle`) or until `signal` aborts.
 *
 * @example
 * ```ts ignore
 * const summary = await assembleTrips({ store, bus, cache }, { untilIdle: true });
 * console.log(summary.completed);
 * ```
 */
export async function assembleTrips(
  ports: AssemblePorts,
  options: AssembleOptions = {},
): Promise<AssembleSummary> {
  const startedAt = new Date();
  const started = performance.now();
  const { store, bus } = ports;
  const group = options.group ?? "chillflow-assembler";
  const topics = streamTopics(options.topicPrefix);
  const latenessMs = options.latenessMs ?? 600_000;
  const timeoutMs = options.timeoutMs ?? 25_200_000;
  const partials = new PartialCache(
    ports.cache,
    `chillflow:${store.schema}:${group}:${topics.events}:`,
  );
  const summary: AssembleSummary = {
    events: 0,
    completed: 0,
    duplicates: 0,
    expired: 0,
    rejects: 0,
    deadLetters: 0,
    batches: 0,
    flushed: 0,
    stoppedBy: "signal",
    seconds: 0,
    eventsPerSecond: 0,
  };
  const seenFiles = new Map<string, { tripType: string; periods: Set<string> }>();

  function seen(file: string, tripType: string, period: string | null): void {
    let entry = seenFiles.get(file);
    if (entry === undefined) seenFiles.set(file, entry = { tripType, periods: new Set() });
    entry.periods.add(period ?? "");
  }

  async function handleRejects(batch: DeliveryBatch): Promise<void> {
    const rejects: TripRejectMessage[] = [];
    const dead: OutgoingMessage[] = [];
    for (const delivery of batch.messages) {
      const parsed = parseMessage(delivery, tripRejectSchema);
      if (parsed.ok) rejects.push(parsed.value);
      else dead.push(deadLetter(delivery, parsed.error));
    }
    if (dead.length > 0) await bus.publish(topics.dlq, dead);
    await store.transaction((tx) => writeRejects(tx, rejects));
    for (const r of rejects) seen(r.source_file, r.trip_type, r.period);
    summary.rejects += rejects.length;
    summary.deadLetters += dead.length;
  }

  async function handleEvents(batch: DeliveryBatch): Promise<void> {
    const p = batch.partition;
    const events: TripEvent[] = [];
    const dead: OutgoingMessage[] = [];
    for (const delivery of batch.messages) {
      const parsed = parseMessage(delivery, tripEventSchema);
      if (parsed.ok) events.push(parsed.value);
      else dead.push(deadLetter(delivery, parsed.error));
    }
    if (dead.length > 0) await bus.publish(topics.dlq, dead);
    const keys = [...new Set(events.map((e) => e.trip_key))];
    // Both requests go out on one connection before either answer is awaited.
    const [cached, watermarks] = await Promise.all([partials.load(keys), partials.watermarks()]);
    const maxEventMs = watermarks.get(p) ?? -Infinity;
    const assembler = new TripAssembler({ latenessMs, timeoutMs, maxEventMs });
    let due: string[] = [];
    const result = await store.transaction(async (tx) => {
      await lockAssembly(tx);
      for (const partial of cached) assembler.load(partial);
      const stored = await storedState(tx, keys);
      for (const partial of stored.expired) assembler.load(partial);
      assembler.markDone(stored.done);
      let duplicates = 0;
      for (const event of events) {
        const outcome = assembler.add(event);
        // "done": a copy of an event of a trip already stored.
        if (outcome === "duplicate" || outcome === "done") duplicates++;
      }
      const completed = assembler.takeCompleted();
      const batchKeys = new Set(keys);
      due = (await partials.due(p, assembler.expiryCutoff, EXPIRE_PER_BATCH))
        .filter((key) => !batchKeys.has(key));
      if (due.length > 0) {
        for (const partial of await partials.load(due)) assembler.load(partial);
        const dueStored = await storedState(tx, due);
        for (const partial of dueStored.expired) assembler.load(partial);
        assembler.markDone(dueStored.done);
      }
      const expired = assembler.expire();
      await writeCompleted(tx, completed);
      // Every expired trip held: newly expired, and stored ones that got events or
      // were also in the cache (a crash between commit and cache update).
      await writeIncomplete(tx, assembler.partials().filter((partial) => partial.expired));
      return { completed: completed.length, expired: expired.length, duplicates };
    });
    const invalid = assembler.takeInvalid();
    if (invalid.length > 0) {
      await bus.publish(
        topics.dlq,
        invalid.map((trip) =>
          deadLetter({
            topic: batch.topic,
            partition: p,
            offset: batch.messages[0]!.offset,
            key: trip.trip_key,
            value: new TextEncoder().encode(JSON.stringify(trip.events)),
          }, trip.error)
        ),
      );
    }
    const live = keys.map((key) => assembler.get(key))
      .filter((partial) => partial !== undefined && !partial.expired);
    const liveKeys = new Set(live.map((partial) => partial!.trip_key));
    // Disjoint keys: sent together, answered in order on one connection.
    await Promise.all([
      partials.save(p, live.map((partial) => partial!)),
      partials.remove(p, [...keys, ...due].filter((key) => !liveKeys.has(key))),
      partials.setWatermark(p, assembler.maxEventMs),
    ]);
    for (const e of events) seen(e.source_file, e.trip_type, e.period);
    summary.events += events.length;
    summary.completed += result.completed;
    summary.expired += result.expired;
    summary.duplicates += result.duplicates;
    summary.deadLetters += dead.length + invalid.length;
    options.progress?.(summary.events);
  }

  // Starting before the producer is fine: the topics are made the same way.
  for (const topic of [topics.events, topics.rejects, topics.dlq]) {
    await bus.ensureTopic(topic, options.partitions ?? 6);
  }
  let inFlight = 0;
  let lastActivity = performance.now();
  const subscription = await bus.subscribe({
    group,
    topics: [topics.events, topics.rejects],
    fromBeginning: true,
    async handleBatch(batch) {
      inFlight++;
      try {
        if (batch.topic === topics.rejects) await handleRejects(batch);
        else await handleEvents(batch);
        summary.batches++;
      } finally {
        inFlight--;
        lastActivity = performance.now();
      }
    },
  });
  // The group join can take seconds; idle time counts from the moment we are in.
  lastActivity = performance.now();
  summary.stoppedBy = await _waitForStop(
    subscription.done,
    options,
    () => inFlight === 0 && performance.now() - lastActivity >= (options.idleMs ?? 10_000),
  );
  await subscription.stop();
  if (summary.stoppedBy === "idle") {
    summary.flushed = await _flush(store, partials, latenessMs, timeoutMs);
    await writeStreamAudit(store, seenFiles, startedAt);
  }
  summary.seconds = (performance.now() - started) / 1000;
  summary.eventsPerSecond = summary.seconds > 0 ? Math.round(summary.events / summary.seconds) : 0;
  return summary;
}

function _waitForStop(
  done: Promise<void>,
  options: AssembleOptions,
  idle: () => boolean,
): Promise<"idle" | "signal"> {
  return new Promise((resolve, reject) => {
    const timer = options.untilIdle ? setInterval(() => idle() && finish("idle"), 100) : undefined;
    const onAbort = () => finish("signal");
    function finish(reason: "idle" | "signal"): void {
      clearInterval(timer);
      options.signal?.removeEventListener("abort", onAbort);
      resolve(reason);
    }
    if (options.signal?.aborted) return finish("signal");
    options.signal?.addEventListener("abort", onAbort, { once: true });
    done.then(() => finish("signal"), (error) => {
      clearInterval(timer);
      options.signal?.removeEventListener("abort", onAbort);
      reject(error);
    });
  });
}

/** End of input: expires every partial trip still held, partition by partition. */
async function _flush(
  store: Store,
  partials: PartialCache,
  latenessMs: number,
  timeoutMs: number,
): Promise<number> {
  let flushed = 0;
  for (const partition of (await partials.watermarks()).keys()) {
    while (true) {
      const keys = await partials.due(partition, Infinity, EXPIRE_PER_BATCH);
      if (keys.length === 0) break;
      const cached = await partials.load(keys);
      await store.transaction(async (tx) => {
        await lockAssembly(tx);
        const assembler = new TripAssembler({ latenessMs, timeoutMs });
        for (const partial of cached) assembler.load(partial);
        const stored = await storedState(tx, keys);
        for (const partial of stored.expired) assembler.load(partial);
        assembler.markDone(stored.done);
        flushed += assembler.expireAll().length;
        await writeIncomplete(tx, assembler.partials());
      });
      await partials.remove(partition, keys);
    }
  }
  return flushed;
}
