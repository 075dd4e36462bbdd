/**
 * {@linkcode KafkaProducer}: the publishing half of `KafkaBus`, on
 * @platformatic/kafka (kafkajs spent most of a replay encoding records), run
 * in workers so that encoding produce requests does not compete with the
 * caller for one thread: a replay builds the next chunk of events while the
 * workers publish the previous one. Each worker owns the partitions `p` with
 * `p % workers` equal to its number and has a producer of its own: when the
 * workers were introduced, the client's record encoding cost several µs a
 * record, more than a replay takes to write one, so one worker alone bounded
 * the replay. Produce requests are now written in one buffer
 * (`_produce_api.ts`, about 0.5 µs a record); the workers still keep that
 * work, CRC-32C included, off the replay's thread.
 *
 * What it keeps of the `Bus` port, and how (the worker is
 * `_producer_worker.ts`):
 *
 * - Durable: an idempotent producer, so `acks=all`; `publish` resolves once
 *   every produce request of the call is acknowledged.
 * - Keyed: each message's partition is the Java client's
 *   `toPositive(murmur2(key)) % partitions` ({@linkcode javaPartition}, the
 *   file bus's `murmur2`). platformatic's default partitioner takes the hash
 *   as unsigned instead, which moves about half the keys to another partition
 *   whenever the count is not a power of two.
 * - Below the broker's 1 MiB `message.max.bytes`: requests carry at most
 *   `maxBatchBytes` of keys, values and record overhead and at most
 *   `maxBatchMessages` messages ({@linkcode planRequests}).
 * - Ordered per partition: one worker publishes a partition, one publish
 *   after the other. platformatic pins an idempotent producer's
 *   connection to one request on the wire, assigns sequence numbers when a
 *   send starts, and retries a failed send on its own, so two sends queued
 *   over the same partition could land out of order after a retry. A
 *   worker's partitions are therefore split into {@linkcode PUBLISH_LANES}
 *   disjoint lanes; each lane awaits its sends one after the other and the
 *   lanes run concurrently, so one request is encoded while another is on
 *   the wire.
 * - Bounded: a few retries with backoff, then the error mapped by
 *   `toBusError` (`CF_BUS_UNREACHABLE` when no broker answers), one line.
 *
 * @module
 */
import { ChillFlowError, deserializeError, type SerializedError } from "../../errors.ts";
import type { OutgoingMessage } from "../../ports/bus.ts";
import { murmur2 } from "../file_bus/partition_for.ts";
import type { ResolvedKafkaBusOptions } from "./options.ts";

/** Disjoint partition groups whose produce requests may be queued at the same time. */
export const PUBLISH_LANES = 2;

/** Acknowledged publish buffers kept for reuse per worker, at most. */
const SPARES_PER_WORKER = 2;

/**
 * Bytes a record adds to its key and value in a record batch, at most
 * (length, attributes, timestamp and offset deltas, key and value lengths,
 * header count, as varints): what a request's size estimate adds per message.
 */
export const RECORD_OVERHEAD_BYTES = 16;

/**
 * A publish as a worker receives it: every key and value in one transferred
 * buffer (each worker gets its own copy), of which it sends the messages of
 * its partitions.
 */
export interface PublishRequest {
  kind: "publish";
  id: number;
  topic: string;
  /** The worker's number: it sends the messages of partitions `p` with `p % workers === worker`. */
  worker: number;
  /** How many workers share the partitions. */
  workers: number;
  /** Every value, back to back, then every key. */
  data: Uint8Array<ArrayBuffer>;
  /** Where each value ends in `data`, then where each key ends. */
  ends: Uint32Array<ArrayBuffer>;
}

/** What the main thread sends the worker. */
export type ProducerRequest =
  | { kind: "start"; options: ResolvedKafkaBusOptions }
  | PublishRequest
  | { kind: "close" };

/** What the worker answers. */
export type ProducerReply =
  | {
    kind: "published";
    id: number;
    /** The request's `data` buffer, handed back for the next publish to fill. */
    spare: ArrayBuffer;
  }
  | { kind: "failed"; id: number; error: SerializedError }
  | { kind: "closed" };

/**
 * Publishes keyed messages through idempotent @platformatic/kafka producers,
 * one per worker ({@linkcode KafkaBusOptions.publishWorkers}), started by
 * the first publish.
 *
 * @example
 * ```ts ignore
 * import { KafkaProducer } from "./_producer.ts";
 * import { resolveKafkaBusOptions } from "./options.ts";
 * await using producer = new KafkaProducer(resolveKafkaBusOptions({ brokers: ["127.0.0.1:19092"] }));
 * await producer.publish("trip-events", [{ key: "k1", value: "hello" }]);
 * ```
 */
export class KafkaProducer implements AsyncDisposable {
  #options: ResolvedKafkaBusOptions;
  #workers: Worker[] | undefined;
  #pending = new Map<number, _PendingPublish>();
  #nextId = 0;
  /**
   * Buffers of acknowledged publishes, for the next ones to pack into: a
   * fresh buffer per publish (megabytes each, for a replay's chunks) is new
   * memory the kernel must zero first.
   */
  #spares: ArrayBuffer[] = [];
  /** Set once a worker died: every later publish fails with it. */
  #broken: Error | undefined;
  #closed: Promise<void> | undefined;

  /** A producer for `options.brokers`; nothing starts until the first publish. */
  constructor(options: ResolvedKafkaBusOptions) {
    this.#options = options;
  }

  /**
   * Publishes `messages` to `topic`; resolves once all are acknowledged by
   * all in-sync replicas. On failure no further request of this call is
   * started, the ones under way are awaited, then the first error is thrown.
   * The keys and values are copied before this returns: callers may reuse
   * their buffers right away.
   *
   * @example
   * ```ts ignore
   * await producer.publish("trip-events", [{ key: "k1", value: new Uint8Array([123, 125]) }]);
   * ```
   */
  publish(topic: string, messages: readonly OutgoingMessage[]): Promise<void> {
    if (this.#closed !== undefined) {
      return Promise.reject(new ChillFlowError("CF_BUS", "The Kafka producer is closed"));
    }
    if (this.#broken !== undefined) return Promise.reject(this.#broken);
    if (messages.length === 0) return Promise.resolve();
    const packed = packMessages(messages, this.#spares.pop());
    const workers = this.#started();
    const id = this.#nextId++;
    const { promise, resolve, reject } = Promise.withResolvers<void>();
    this.#pending.set(id, { waiting: workers.length, failure: undefined, resolve, reject });
    // Copies first: posting the original transfers (detaches) its buffers.
    const copies = workers.map((_, worker) =>
      worker === 0 ? packed : { data: packed.data.slice(), ends: packed.ends.slice() }
    );
    workers.forEach((worker, number) => {
      const { data, ends } = copies[number]!;
      const request: PublishRequest = {
        kind: "publish",
        id,
        topic,
        worker: number,
        workers: workers.length,
        data,
        ends,
      };
      worker.postMessage(request, [data.buffer, ends.buffer]);
    });
    return promise;
  }

  /** Closes the producer and its workers; publishes still under way fail. Idempotent. */
  close(): Promise<void> {
    this.#closed ??= (async () => {
      const workers = this.#workers;
      if (workers === undefined) return;
      if (this.#broken === undefined) await Promise.all(workers.map(_closeWorker));
      for (const worker of workers) worker.terminate();
      this.#fail(new ChillFlowError("CF_BUS", "The Kafka producer was closed while publishing"));
    })();
    return this.#closed;
  }

  /** Same as {@linkcode KafkaProducer.close}. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  #started(): Worker[] {
    if (this.#workers !== undefined) return this.#workers;
    const workers = Array.from(
      { length: this.#options.publishWorkers },
      () => new Worker(new URL("./_producer_worker.ts", import.meta.url).href, { type: "module" }),
    );
    for (const worker of workers) {
      worker.onmessage = (event: MessageEvent<ProducerReply>) => this.#reply(event.data);
      worker.onerror = (event: ErrorEvent) => {
        event.preventDefault();
        this.#broken = new Error(`The Kafka producer's worker failed: ${event.message}`);
        this.#fail(this.#broken);
        for (const w of workers) w.terminate();
      };
      worker.postMessage({ kind: "start", options: this.#options } satisfies ProducerRequest);
    }
    this.#workers = workers;
    return workers;
  }

  /** Settles a publish once every worker answered: the first failure, if any, rejects it. */
  #reply(reply: ProducerReply): void {
    if (reply.kind === "closed") return;
    const pending = this.#pending.get(reply.id);
    if (pending === undefined) return;
    if (reply.kind === "published") {
      if (this.#spares.length < SPARES_PER_WORKER * this.#options.publishWorkers) {
        this.#spares.push(reply.spare);
      }
    } else {
      pending.failure ??= deserializeError(reply.error);
    }
    if (--pending.waiting > 0) return;
    this.#pending.delete(reply.id);
    if (pending.failure === undefined) pending.resolve();
    else pending.reject(pending.failure);
  }

  /** Rejects every publish still waiting for the workers. */
  #fail(error: Error): void {
    for (const { reject } of this.#pending.values()) reject(error);
    this.#pending.clear();
  }
}

/** A publish waiting for its workers' answers. */
interface _PendingPublish {
  waiting: number;
  failure: Error | undefined;
  resolve(): void;
  reject(error: Error): void;
}

/** Asks a worker to close its producer; a stuck one is not waited for past 5 s. */
async function _closeWorker(worker: Worker): Promise<void> {
  const closed = new Promise<void>((resolve) => {
    worker.addEventListener("message", (event: MessageEvent<ProducerReply>) => {
      if (event.data.kind === "closed") resolve();
    });
  });
  worker.postMessage({ kind: "close" } satisfies ProducerRequest);
  let timer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([closed, new Promise((resolve) => timer = setTimeout(resolve, 5000))]);
  clearTimeout(timer);
}

/**
 * Packs the values and keys of a publish, UTF-8, into one buffer the worker
 * can take over (see {@linkcode PublishRequest}): `spare` when it is large
 * enough, else a new buffer with some room to spare for the next publishes.
 * Values that follow each other in one buffer (a replay's chunk) are copied
 * in one go; trip keys are ASCII and copied by a plain loop instead of an
 * encoder call per key.
 *
 * @example
 * ```ts
 * import { packMessages } from "./_producer.ts";
 * import assert from "node:assert";
 * const { data, ends } = packMessages([{ key: "k", value: "vé" }, { key: "l", value: "w" }]);
 * assert.deepEqual([...ends], [3, 4, 5, 6]);
 * assert.equal(new TextDecoder().decode(data.subarray(0, 6)), "véwkl");
 * ```
 */
export function packMessages(
  messages: readonly OutgoingMessage[],
  spare?: ArrayBuffer,
): { data: Uint8Array<ArrayBuffer>; ends: Uint32Array<ArrayBuffer> } {
  const n = messages.length;
  let capacity = 0;
  for (const m of messages) {
    // At most 3 UTF-8 bytes per UTF-16 unit.
    capacity += 3 * m.key.length +
      (typeof m.value === "string" ? 3 * m.value.length : m.value.length);
  }
  const data = spare !== undefined && spare.byteLength >= capacity
    ? new Uint8Array(spare)
    : new Uint8Array(capacity + (capacity >>> 3));
  const ends = new Uint32Array(2 * n);
  const encoder = new TextEncoder();
  // A run of values adjacent in their source buffer, not yet copied.
  let runSource: ArrayBufferLike | undefined;
  let runOffset = 0;
  let runLength = 0;
  let p = 0;
  const flush = () => {
    if (runSource !== undefined) data.set(new Uint8Array(runSource, runOffset, runLength), p);
    p += runLength;
    runSource = undefined;
    runLength = 0;
  };
  for (let i = 0; i < n; i++) {
    const value = messages[i]!.value;
    if (typeof value === "string") {
      flush();
      p += encoder.encodeInto(value, data.subarray(p)).written;
      ends[i] = p;
      continue;
    }
    if (runSource !== value.buffer || value.byteOffset !== runOffset + runLength) {
      flush();
      runSource = value.buffer;
      runOffset = value.byteOffset;
    }
    runLength += value.byteLength;
    ends[i] = p + runLength;
  }
  flush();
  for (let i = 0; i < n; i++) {
    const key = messages[i]!.key;
    const keyAt = p;
    for (let j = 0; j < key.length; j++) {
      const c = key.charCodeAt(j);
      if (c >= 0x80) {
        p = keyAt + encoder.encodeInto(key, data.subarray(keyAt)).written;
        break;
      }
      data[p++] = c;
    }
    ends[n + i] = p;
  }
  return { data, ends };
}

/**
 * The partition the Java client (and kafkajs's default partitioner) gives a
 * key: `toPositive(murmur2(key)) % partitions`.
 *
 * @example
 * ```ts
 * import { javaPartition } from "./_producer.ts";
 * import assert from "node:assert";
 * // Kafka's own BuiltInPartitioner.partitionForKey("k0".getBytes(), 6) is 5.
 * assert.equal(javaPartition(new TextEncoder().encode("k0"), 6), 5);
 * ```
 */
export function javaPartition(key: Uint8Array, partitions: number): number {
  return (murmur2(key) & 0x7fffffff) % partitions;
}

/**
 * Splits the records of one publish into produce requests, grouped in lanes
 * of disjoint partitions (partition `p` goes to lane `floor(p / stride) % lanes`:
 * a worker owning every `stride`-th partition spreads them over its lanes). Within a
 * lane, records keep their order and each request holds at most `maxCount`
 * records and `maxBytes` of keys, values and {@linkcode RECORD_OVERHEAD_BYTES}
 * each (a single larger record gets a request of its own). Lanes without
 * records are left out.
 *
 * @example
 * ```ts
 * import { planRequests } from "./_producer.ts";
 * import assert from "node:assert";
 * const bytes = new Uint8Array(10);
 * const records = [0, 1, 2, 3].map((partition) => ({
 *   topic: "t", key: bytes, value: bytes, partition,
 * }));
 * const lanes = planRequests(records, 2, 1000, 1_000_000);
 * assert.deepEqual(lanes.map((l) => l.map((r) => r.map((m) => m.partition))), [[[0, 2]], [[1, 3]]]);
 * ```
 */
export function planRequests<
  T extends { key?: Uint8Array; value?: Uint8Array; partition?: number },
>(
  records: readonly T[],
  lanes: number,
  maxCount: number,
  maxBytes: number,
  stride = 1,
): T[][][] {
  const plans = Array.from({ length: lanes }, () => ({ requests: [] as T[][], bytes: 0 }));
  for (const record of records) {
    const plan = plans[Math.floor((record.partition ?? 0) / stride) % lanes]!;
    const size = (record.key?.length ?? 0) + (record.value?.length ?? 0) + RECORD_OVERHEAD_BYTES;
    let open = plan.requests.at(-1);
    if (open === undefined || open.length >= maxCount || plan.bytes + size > maxBytes) {
      open = [];
      plan.requests.push(open);
      plan.bytes = 0;
    }
    open.push(record);
    plan.bytes += size;
  }
  return plans.map((p) => p.requests).filter((requests) => requests.length > 0);
}
