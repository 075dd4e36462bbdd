/**
 * The stream path's sink: a consumer-group member that rebuilds trips from
 * their events and writes them, exactly once in effect, to the store.
 *
 * Batches that the bus hands over together (one fetch, several partitions)
 * are gathered into rounds; each round is one transaction
 * (`_assembly_round.ts`), and the bus commits offsets only after it.
 *
 * Decisions the contract leaves open:
 * - A round takes advisory locks on its topic partitions (`lockPartitions`):
 *   a member still finishing a round after a rebalance and the partition's
 *   new owner take turns, while members holding different partitions write
 *   in parallel. Their trips are disjoint, because a trip's events share a
 *   key, hence a partition. (A foreign producer that sent one trip to two
 *   partitions owned by two members would fail one of their rounds on the
 *   duplicate key; that member's restart finds the trip stored.)
 * - KPIs lag by at most one refresh: a round adds its trips to their
 *   zone-hours' sums, in rows of its own partitions (`kpi_hour_sums`), and
 *   marks those zone-hours; a `KpiRefresher` recomputes them from the sums
 *   of every partition after the commit, in its own transaction and under
 *   its own lock, while the next round is assembled: a zone-hour's trips span
 *   partitions, so a round that holds only its own partitions' locks cannot
 *   recompute it. Sums and marks commit with the trips, so a member that dies
 *   before refreshing leaves them to the next one; every member refreshes
 *   when it starts and drains when it stops.
 * - Expiry is per partition: its watermark is the latest event time seen on
 *   it (kept in the cache) minus the lateness; a partial trip expires when its
 *   first event is `timeoutMs` behind that. An expired trip that later gets its
 *   missing events completes and leaves `incomplete_trips`.
 * - `untilIdle` treats idleness (no batch for `idleMs` while the bus still
 *   answers fetches: an unreachable bus is not idle) as the end of the input: every partial trip
 *   still held in the member's own partitions is expired (other members may
 *   still be busy with theirs), then the schema's `load_audit` rows of path
 *   `stream` are written again from the tables, one per source file
 *   ({@linkcode writeStreamAudit}). A member stopped by a signal neither
 *   flushes nor audits.
 * - Dead letters are published before the offsets are committed: at least
 *   once (a crash may repeat one), never lost. Messages that fail to parse or
 *   validate go before the round's transaction; trips whose events rebuild
 *   another key, after it (a crash in between replays the round, which finds
 *   them again: they are never stored).
 *
 * @module
 */
import { TripAssembler } from "../domain/assembly/trip_assembler.ts";
import type { Bus, DeliveryBatch } from "../ports/bus.ts";
import type { Cache } from "../ports/cache.ts";
import type { Store } from "../ports/store.ts";
import { lockPartitions, writeIncomplete } from "./_assembly_sql.ts";
import {
  type PreparedRound,
  prepareRound,
  restorePartials,
  type RoundContext,
  writeRound,
} from "./_assembly_round.ts";
import { BatchGatherer } from "./_batch_gatherer.ts";
import { KpiRefresher } from "./_kpi_refresher.ts";
import { writeStreamAudit } from "./_stream_audit.ts";
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
  /** With `untilIdle`: how long without a batch counts as the end of input, ms. @default 10000 */
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
  /** Valid trip events handled, duplicates included. */
  events: number;
  /** Trips whose three events all arrived, written to `trips`. */
  completed: number;
  /** Events already held, or of a trip already stored; they change nothing. */
  duplicates: number;
  /** Partial trips moved to `incomplete_trips`: timed out behind their partition's watermark. */
  expired: number;
  /** Rejected rows read from `trip-rejects` and written to `rejected_trips`. */
  rejects: number;
  /** Messages and invalid trips published to `trip-events-dlq`. */
  deadLetters: number;
  /** Partition batches handled. */
  batches: number;
  /** Transactions: one per round of batches handed over together. */
  rounds: number;
  /** Partials expired at the idle exit (end of input). */
  flushed: number;
  /** `idle` when `untilIdle` saw the end of input; `signal` when the run was stopped. */
  stoppedBy: "idle" | "signal";
  /** Wall-clock seconds of the whole run, joining the group included. */
  seconds: number;
  /** `events` per wall-clock second, rounded. */
  eventsPerSecond: number;
}

/** The ports the assembler needs. */
export interface AssemblePorts {
  /** Receives trips, rejects, incomplete trips, KPIs and the audit. */
  store: Store;
  /** Delivers the trip events and rejects, and takes the dead letters. */
  bus: Bus;
  /** Holds partial trips, so another member can carry on where one stopped. */
  cache: Cache;
}

const EXPIRE_PER_ROUND = 10_000;
/** How recently the bus must have answered a fetch for a quiet topic to count as idle. */
const POLL_FRESH_MS = 5_000;

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
    rounds: 0,
    flushed: 0,
    stoppedBy: "signal",
    seconds: 0,
    eventsPerSecond: 0,
  };
  const context: RoundContext = {
    store,
    bus,
    partials,
    topics,
    latenessMs,
    timeoutMs,
    expirePerRound: EXPIRE_PER_ROUND,
  };
  const kpis = new KpiRefresher(store);
  // Marks a member left behind when it died are refreshed now, not at the next round.
  kpis.request();
  let inFlight = 0;
  let lastActivity = performance.now();
  let lastPoll = -Infinity;
  const rounds = new BatchGatherer<DeliveryBatch, PreparedRound>({
    prepare: (batches) => prepareRound(context, batches),
    async write(round) {
      const counts = await writeRound(context, round);
      kpis.request();
      summary.events += counts.events;
      summary.completed += counts.completed;
      summary.expired += counts.expired;
      summary.duplicates += counts.duplicates;
      summary.rejects += counts.rejects;
      summary.deadLetters += counts.deadLetters;
      summary.batches += round.sources.length;
      summary.rounds++;
      options.progress?.(summary.events);
    },
  });

  // Starting before the producer is fine: the topics are made the same way.
  for (const topic of [topics.events, topics.rejects, topics.dlq]) {
    await bus.ensureTopic(topic, options.partitions ?? 6);
  }
  const subscription = await bus.subscribe({
    group,
    topics: [topics.events, topics.rejects],
    fromBeginning: true,
    // Parse the next fetch while this one's transaction runs (rounds are safe to overlap: writeRound).
    prefetch: 2,
    onPoll() {
      lastPoll = performance.now();
    },
    handleBatch(batch) {
      inFlight++;
      return rounds.add(batch).finally(() => {
        inFlight--;
        lastActivity = performance.now();
      });
    },
  });
  // The group join can take seconds; idle time counts from the moment we are in.
  lastActivity = performance.now();
  summary.stoppedBy = await _waitForStop(
    subscription.done,
    options,
    () => {
      const now = performance.now();
      // Idle means the bus answers with nothing: a bus that stopped answering is an
      // outage, and ending then would expire every partial trip as if input had ended.
      return inFlight === 0 && now - lastActivity >= (options.idleMs ?? 10_000) &&
        now - lastPoll <= POLL_FRESH_MS;
    },
  );
  // Other members may still be busy with theirs: only what this one held has ended.
  const held = subscription.assigned(topics.events);
  await subscription.stop();
  await kpis.drain();
  if (summary.stoppedBy === "idle") {
    const flush = await _flush(store, partials, topics.events, held, latenessMs, timeoutMs);
    summary.flushed = flush.expired;
    summary.duplicates += flush.duplicates;
    await writeStreamAudit(store, startedAt);
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

/**
 * End of input: expires every partial trip still held in `partitions` (the
 * member's own; a partition whose events were all payments has no watermark
 * yet, so the watermarks cannot say which partitions hold partials).
 * Partials of stored trips (copies that arrived after the trip was stored)
 * are dropped, their events counted as duplicates.
 */
async function _flush(
  store: Store,
  partials: PartialCache,
  events: string,
  partitions: readonly number[],
  latenessMs: number,
  timeoutMs: number,
): Promise<{ expired: number; duplicates: number }> {
  let flushed = 0;
  let duplicates = 0;
  for (const partition of partitions) {
    while (true) {
      const keys = await partials.due(partition, Infinity, EXPIRE_PER_ROUND);
      if (keys.length === 0) break;
      await store.transaction(async (tx) => {
        await lockPartitions(tx, [{ topic: events, partition }]);
        const assembler = new TripAssembler({ latenessMs, timeoutMs });
        duplicates += await restorePartials(
          tx,
          new Map(keys.map((key) => [key, assembler])),
          partials.load(keys),
          true,
        );
        flushed += assembler.expireAll().length;
        await writeIncomplete(tx, assembler.partials());
      });
      await partials.remove(partition, keys);
    }
  }
  return { expired: flushed, duplicates };
}
