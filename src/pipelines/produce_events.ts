/**
 * The stream path's source: replays a TLC file as trip events on the bus, in
 * event-time order across all trips, with optional seeded disorder. Rows go
 * through the same reader and curation as the batch path; rejected rows go to
 * `trip-rejects` with their reason.
 *
 * @module
 */
import type { ReasonCounts } from "../../schemas/curation_reason.ts";
import type { TripType } from "../../schemas/raw_trip.ts";
import {
  TRIP_EVENT_VERSION,
  type TripEventType,
  type TripRejectMessage,
} from "../../schemas/trip_event.ts";
import { createCurationState, curateBatch } from "../domain/curation/curate_batch.ts";
import { periodOfMonthIndex } from "../domain/curation/period.ts";
import { ACCEPTED, reasonOfCode, zeroReasonCounts } from "../domain/curation/reasons.ts";
import { unstorableField, unstorableReject } from "../domain/curation/storable.ts";
import { keyHex, TRIP_KEY_BYTES } from "../domain/curation/trip_key.ts";
import { type ReplayDisorder, ReplayPlanner } from "../domain/events/replay_plan.ts";
import { EVENT_NUMBERS, packEventNumbers, TripEventWriter } from "../domain/events/event_json.ts";
import type { RawTripBatch } from "../domain/raw_trip_batch.ts";
import { inspectTripFile } from "../io/parquet/inspect_trip_file.ts";
import { readTripBatches } from "../io/parquet/read_trip_batches.ts";
import { ChillFlowError } from "../errors.ts";
import type { Bus, OutgoingMessage } from "../ports/bus.ts";
import { loadPeriod } from "./_load_period.ts";
import { rawJson } from "./_trip_lines.ts";
import { streamTopics } from "./stream_topics.ts";
import { TripKeyStream } from "./_trip_key_stream.ts";

/**
 * Chunks handed to the bus and not yet acknowledged, at most: with one, the
 * bus's workers waited between chunks while the next was handed over.
 */
const PUBLISHES_IN_FLIGHT = 2;

/** Options of {@linkcode produceEvents}. */
export interface ProduceOptions extends ReplayDisorder {
  /**
   * `YYYY-MM`; defaults to the file name's period, else rows take their pickup
   * month. One that contradicts the file name is refused (`CF_USAGE`).
   */
  period?: string;
  /** The trip type, for a file whose columns and name do not tell; a contradiction is `CF_USAGE`. */
  tripType?: TripType;
  /** Replay at this multiple of real time; unset = as fast as possible. */
  speed?: number;
  /**
   * Partitions of the topics it creates (default 6). Topics that exist keep
   * theirs; a count given here that differs from theirs is refused (`CF_USAGE`):
   * a key's partition depends on it.
   */
  partitions?: number;
  /** Prepended to the topic names. @default "" */
  topicPrefix?: string;
  /** Messages per publish call. @default 20000 */
  chunkMessages?: number;
  /** Told how many rows are read, of how many, while the file is read (before any event is out). */
  readProgress?: (rowsRead: number, totalRows: number) => void;
  /** Told how many events are out, of how many. */
  progress?: (eventsDone: number, total: number) => void;
  /** Stops the replay after the chunk in flight. */
  signal?: AbortSignal;
}

/** What one replay did. */
export interface ProduceSummary {
  /** Base name of the file. */
  file: string;
  /** The replay's period, `YYYY-MM`, or null when the rows took their pickup months. */
  period: string | null;
  /** The file's trip type: from its columns or name, unless `tripType` overrode it. */
  tripType: TripType;
  /** Rows in the file; each was replayed as events or published as a reject. */
  rowsRead: number;
  /** Rows that passed curation: the trips replayed as events. */
  accepted: number;
  /** Rows published to `trip-rejects`, per reason, every reason present. */
  rejected: ReasonCounts;
  /** Events published (duplicates included). */
  events: number;
  /** Events sent twice on purpose (`duplicateRate`). */
  duplicated: number;
  /** Trips whose `payment_processed` was sent `lateByMs` late on purpose (`lateRate`). */
  late: number;
  /** Trips that lost one event. */
  dropped: number;
  /** Whether the replay stopped early on a signal. */
  interrupted: boolean;
  /** Wall-clock seconds of the whole run. */
  seconds: number;
  /** Events per second over the whole run: read, curate, plan and publish. */
  eventsPerSecond: number;
  /** Seconds spent publishing events (after reading, curating and ordering). */
  publishSeconds: number;
  /** Events per second of the publishing phase alone. */
  publishEventsPerSecond: number;
}

/**
 * The accepted trips of a replay, by trip number, one record of three cache
 * lines each: the trip's key (16 digest bytes), the codes of its flag and
 * period in small tables of distinct values, then the numbers its events
 * carry ({@linkcode packEventNumbers}). Events go out in event-time order,
 * not file order, so each event reads a record far from the last one: one
 * record touches three adjacent lines where separate arrays of keys, codes
 * and numbers touched six lines apart (and reading the columnar batches, one
 * per column).
 */
class _AcceptedTrips {
  /** Bytes per trip: a whole number of 64-byte cache lines. */
  static readonly RECORD_BYTES = Math.ceil((TRIP_KEY_BYTES + 8 + 8 * EVENT_NUMBERS) / 64) * 64;
  /** The records; trip `t`'s key is the `keyIndex(t)`-th run of 16 bytes. */
  readonly bytes: Uint8Array;
  /** The records as numbers; trip `t`'s event numbers start at `valuesAt(t)`. */
  readonly values: Float64Array;
  readonly #codes: Uint16Array;
  readonly #flags = new _Interned<string | null>();
  readonly #periods = new _Interned<string>();

  constructor(capacity: number) {
    const buffer = new ArrayBuffer(capacity * _AcceptedTrips.RECORD_BYTES);
    this.bytes = new Uint8Array(buffer);
    this.values = new Float64Array(buffer);
    this.#codes = new Uint16Array(buffer);
  }

  keyIndex(trip: number): number {
    return trip * (_AcceptedTrips.RECORD_BYTES / TRIP_KEY_BYTES);
  }

  valuesAt(trip: number): number {
    return trip * (_AcceptedTrips.RECORD_BYTES / 8) + (TRIP_KEY_BYTES + 8) / 8;
  }

  flag(trip: number): string | null {
    return this.#flags.values[this.#codes[this.#codesAt(trip)]!] ?? null;
  }

  period(trip: number): string {
    return this.#periods.values[this.#codes[this.#codesAt(trip) + 1]!]!;
  }

  add(trip: number, batch: RawTripBatch, i: number, keys: Uint8Array, period: string): void {
    this.bytes.set(
      keys.subarray(i * TRIP_KEY_BYTES, (i + 1) * TRIP_KEY_BYTES),
      this.keyIndex(trip) * TRIP_KEY_BYTES,
    );
    const at = this.#codesAt(trip);
    this.#codes[at] = this.#flags.code(batch.storeAndFwdFlag[i] ?? null);
    this.#codes[at + 1] = this.#periods.code(period);
    packEventNumbers(batch, i, this.values, this.valuesAt(trip));
  }

  #codesAt(trip: number): number {
    return trip * (_AcceptedTrips.RECORD_BYTES / 2) + TRIP_KEY_BYTES / 2;
  }
}

/** Distinct values numbered in order of appearance (at most 65536). */
class _Interned<T> {
  readonly values: T[] = [];
  #codes = new Map<T, number>();

  code(value: T): number {
    let code = this.#codes.get(value);
    if (code === undefined) {
      code = this.values.length;
      if (code > 0xffff) throw new RangeError("More than 65536 distinct values");
      this.values.push(value);
      this.#codes.set(value, code);
    }
    return code;
  }
}

/**
 * Replays `path` onto the bus: creates `<prefix>trip-events`, `<prefix>trip-rejects`
 * and `<prefix>trip-events-dlq`, publishes rejects, then three events per
 * accepted trip keyed by `trip_key`, ordered by event time. The accepted rows
 * stay in memory (the numbers their events carry, packed per trip) until the
 * replay ends, since event order is not file order.
 *
 * @example
 * ```ts ignore
 * // As fast as possible; { speed: 60 } would pace a month's events over about 12 hours.
 * const summary = await produceEvents(bus, "data/green_tripdata_2024-01.parquet");
 * console.log(summary.events); // 167739
 * ```
 */
export async function produceEvents(
  bus: Bus,
  path: string,
  options: ProduceOptions = {},
): Promise<ProduceSummary> {
  const started = performance.now();
  const info = await inspectTripFile(path, { tripType: options.tripType });
  const period = loadPeriod(info.sourceFile, options.period);
  const topics = streamTopics(options.topicPrefix);
  const partitions = options.partitions ?? 6;
  // Creating topics takes round trips: they are made while the file is read.
  const topicsMade = Promise.all(
    [topics.events, topics.rejects, topics.dlq].map(async (topic) => {
      const has = await bus.ensureTopic(topic, partitions);
      if (options.partitions !== undefined && has !== options.partitions) {
        throw new ChillFlowError(
          "CF_USAGE",
          `Topic "${topic}" exists with ${has} partitions, not ${options.partitions}: leave ` +
            "--partitions out to use it as it is, or choose another --topic-prefix",
        );
      }
    }),
  );
  const state = createCurationState({ period, expectedRows: info.rows });
  const planner = new ReplayPlanner(options);
  const accepted = new _AcceptedTrips(info.rows);
  let rowsRead = 0;
  const rejected = zeroReasonCounts();
  // Rejects go out while the file is read, one publish after the other, without
  // waiting for each: the first one may also start and connect the bus's producer.
  // A failure there (or in making the topics) stops the reading at the next batch.
  let failure: { error: unknown } | undefined;
  const fail = (error: unknown) => void (failure ??= { error });
  let rejectsPublished = topicsMade.then(() => {});
  rejectsPublished.catch(fail);
  // Hashing every row's trip_key is half of reading and curating: a worker does it.
  using tripKeys = new TripKeyStream(path, info.tripType);
  let interrupted = false;
  for await (const batch of readTripBatches(path, { tripType: info.tripType })) {
    if (failure !== undefined) throw failure.error;
    // Stopped while reading: no event is out yet, and none goes out.
    if (options.signal?.aborted) {
      interrupted = true;
      break;
    }
    const verdicts = curateBatch(batch, state, await tripKeys.next());
    const rejects: OutgoingMessage[] = [];
    const { pickup_ts: pickups, dropoff_ts: dropoffs } = batch.numeric;
    for (let i = 0; i < batch.length; i++) {
      const month = verdicts.periods[i]!;
      const code = verdicts.codes[i]!;
      // As ingest refuses the file: the stream would dead-letter what the batch lacks.
      const unstorable = code === ACCEPTED
        ? unstorableField(batch, i)
        : unstorableReject(batch, i, month);
      if (unstorable !== undefined) {
        throw new ChillFlowError(
          "CF_INPUT_FILE",
          `Cannot replay "${info.sourceFile}": row ${batch.firstRow + i} has ${unstorable}`,
        );
      }
      if (code === ACCEPTED) {
        const trip = planner.addTrip(pickups[i]!, dropoffs[i]!);
        accepted.add(trip, batch, i, verdicts.keys, periodOfMonthIndex(month));
        continue;
      }
      const key = keyHex(verdicts.keys, i);
      const reason = reasonOfCode(code);
      rejected[reason]++;
      const message: TripRejectMessage = {
        v: TRIP_EVENT_VERSION,
        source_file: info.sourceFile,
        source_row: batch.firstRow + i,
        trip_key: key,
        period: month < 0 ? null : periodOfMonthIndex(month),
        trip_type: batch.tripType,
        reason,
        raw: rawJson(batch, i) as TripRejectMessage["raw"],
      };
      rejects.push({ key, value: JSON.stringify(message) });
    }
    rowsRead += batch.length;
    options.readProgress?.(rowsRead, info.rows);
    if (rejects.length > 0) {
      rejectsPublished = rejectsPublished.then(() => bus.publish(topics.rejects, rejects));
      rejectsPublished.catch(fail);
    }
  }
  await rejectsPublished;
  const total = planner.length;
  const publishStarted = performance.now();
  const chunkMessages = options.chunkMessages ?? 20_000;
  let sent = 0;
  let chunk: OutgoingMessage[] = [];
  const inFlight: Promise<void>[] = [];
  const pace = _pacer(options.speed);
  const bytes = new _ChunkBytes(accepted, new TripEventWriter(info.sourceFile, info.tripType));
  const flush = async () => {
    const messages = chunk;
    chunk = [];
    if (inFlight.length >= PUBLISHES_IN_FLIGHT) await inFlight.shift();
    bytes.next();
    sent += messages.length;
    const publishing = bus.publish(topics.events, messages).then(() =>
      options.progress?.(sent, total)
    );
    // Awaited at a later flush; until then a failure must not count as unhandled.
    publishing.catch(() => {});
    inFlight.push(publishing);
  };
  for (const planned of interrupted ? [] : planner.plan()) {
    if (chunk.length >= chunkMessages || (chunk.length > 0 && pace.due(planned.sendMs))) {
      // Stopped: the chunks in flight finish, this one is not sent.
      if (options.signal?.aborted) {
        interrupted = true;
        break;
      }
      await flush();
    }
    if (chunk.length === 0) await pace.wait(planned.sendMs, options.signal);
    chunk.push({
      key: keyHex(accepted.bytes, accepted.keyIndex(planned.trip)),
      value: bytes.add(planned.trip, planned.type),
    });
  }
  if (!interrupted && chunk.length > 0) await flush();
  for (const publishing of inFlight) await publishing;
  const seconds = (performance.now() - started) / 1000;
  const publishSeconds = (performance.now() - publishStarted) / 1000;
  return {
    file: info.sourceFile,
    period: period ?? null,
    tripType: info.tripType,
    rowsRead,
    accepted: state.accepted.size,
    rejected,
    events: sent,
    ...planner.counts,
    interrupted,
    seconds,
    eventsPerSecond: seconds > 0 ? Math.round(sent / seconds) : 0,
    publishSeconds,
    publishEventsPerSecond: publishSeconds > 0 ? Math.round(sent / publishSeconds) : 0,
  };
}

/** Paces a replay at `speed` x real time on the send-time clock; no speed = no waits. */
function _pacer(speed: number | undefined): {
  due(sendMs: number): boolean;
  wait(sendMs: number, signal?: AbortSignal): Promise<void>;
} {
  let firstSendMs = NaN;
  let startWall = NaN;
  let chunkStartMs = NaN;
  // A chunk spans at most 100 ms of wall time, so paced replays stay smooth.
  const spanMs = speed === undefined ? Infinity : 100 * speed;
  return {
    due: (sendMs) => sendMs - chunkStartMs > spanMs,
    async wait(sendMs, signal) {
      chunkStartMs = sendMs;
      if (speed === undefined) return;
      if (Number.isNaN(firstSendMs)) {
        firstSendMs = sendMs;
        startWall = performance.now();
      }
      const dueWall = startWall + (sendMs - firstSendMs) / speed;
      // setTimeout fires at once past 2^31 - 1 ms (24.8 days): a very slow replay waits in steps.
      let delay = dueWall - performance.now();
      while (delay > 0 && !signal?.aborted) {
        await _sleep(Math.min(delay, MAX_TIMEOUT_MS), signal);
        delay = dueWall - performance.now();
      }
    },
  };
}

const MAX_TIMEOUT_MS = 2 ** 31 - 1;

function _sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise<void>((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
}

/**
 * The event values of a chunk in one buffer, written in place by a
 * {@linkcode TripEventWriter} with a view each: no event string is built,
 * encoded or measured again by the Kafka client (building and re-encoding
 * strings dominated the producer's profile). `PUBLISHES_IN_FLIGHT + 1`
 * buffers take turns: a chunk fills one while the publishes of the previous
 * chunks may still read the others, and a buffer is written again only after
 * the publish that read it resolved (a
 * fresh 8 MiB buffer per chunk had the kernel zero 3.6 GB of new pages in a
 * 3 M-trip replay).
 */
class _ChunkBytes {
  #trips: _AcceptedTrips;
  #writer: TripEventWriter;
  #buffers = Array.from({ length: PUBLISHES_IN_FLIGHT + 1 }, () => new Uint8Array(1 << 23));
  #current = 0;
  #pos = 0;

  constructor(trips: _AcceptedTrips, writer: TripEventWriter) {
    this.#trips = trips;
    this.#writer = writer;
  }

  add(trip: number, type: TripEventType): Uint8Array {
    const trips = this.#trips;
    const period = trips.period(trip);
    const flag = trips.flag(trip);
    const need = this.#writer.maxBytes(period, flag);
    let buf = this.#buffers[this.#current]!;
    if (this.#pos + need > buf.length) {
      // The chunk outgrew its buffer: its earlier events keep the old one, and
      // the buffer that takes its turn from now on is twice as large.
      buf = this.#buffers[this.#current] = new Uint8Array(Math.max(2 * buf.length, need));
      this.#pos = 0;
    }
    const start = this.#pos;
    this.#pos = this.#writer.write(
      trips.values,
      trips.valuesAt(trip),
      flag,
      trips.bytes,
      trips.keyIndex(trip),
      period,
      type,
      buf,
      start,
    );
    return buf.subarray(start, this.#pos);
  }

  /**
   * Starts the next chunk in the next buffer of the ring. Call it only once
   * the publish of the chunk that last filled that buffer has resolved.
   */
  next(): void {
    this.#current = (this.#current + 1) % this.#buffers.length;
    this.#pos = 0;
  }
}
