import type { Buffer } from "node:buffer";
import type { Consumer, EachBatchPayload, Kafka } from "kafkajs";
import type { Delivery, SubscribeOptions, Subscription } from "../../ports/bus.ts";
import { toBusError } from "./_errors.ts";
import type { ResolvedKafkaBusOptions } from "./options.ts";

/**
 * One consumer-group member. The batches of one fetch (one per partition)
 * are handed to `handleBatch` concurrently. Offsets are committed by hand,
 * per partition, in order, and only after `handleBatch` resolves; a handler
 * error stops the member without committing, so the next owner of the
 * partition gets the batch again.
 *
 * kafkajs fetches again only once every batch of the previous fetch has left
 * `eachBatch`. With `prefetch` above 1, `eachBatch` returns as soon as the
 * partition has room, and the commit follows the handler on its own.
 */
export class KafkaSubscription implements Subscription {
  readonly done: Promise<void>;
  #consumer: Consumer;
  #options: SubscribeOptions;
  #bus: ResolvedKafkaBusOptions;
  #failure: unknown = undefined;
  #prefetch: number;
  #stopping = false;
  #queues = new Map<string, Promise<void>[]>();
  #assignment: Record<string, number[]> = {};
  #ending: Promise<void> | undefined;
  #settle!: { resolve(): void; reject(error: unknown): void };
  /** Restarts in a row after the broker said a subscribed topic or partition is not there. */
  #missing = 0;

  /** Creates the member; {@linkcode KafkaSubscription.start} joins the group. */
  constructor(kafka: Kafka, options: SubscribeOptions, bus: ResolvedKafkaBusOptions) {
    this.#options = options;
    this.#bus = bus;
    this.#prefetch = Math.max(1, options.prefetch ?? 1);
    this.#consumer = kafka.consumer({
      groupId: options.group,
      sessionTimeout: bus.sessionTimeoutMs,
      heartbeatInterval: bus.heartbeatIntervalMs,
      maxWaitTimeInMs: bus.maxWaitMs,
      maxBytesPerPartition: bus.maxBytesPerPartition,
      maxBytes: bus.maxBytes,
      allowAutoTopicCreation: false,
      retry: {
        retries: bus.retries,
        restartOnFailure: (error) => Promise.resolve(this.#restartAfter(error)),
      },
    });
    this.done = new Promise((resolve, reject) => {
      this.#settle = { resolve, reject };
    });
    // Observed here too: a member that fails while joining rejects `done` before the
    // caller, still waiting in start(), could attach a handler (an uncaught rejection).
    this.done.catch(() => {});
  }

  /**
   * Connects, subscribes and resolves once the member has joined the group
   * and, when it starts at the end, has fetched once: kafkajs resolves "the
   * end" lazily in the first fetch, and messages published before that would
   * be skipped.
   */
  async start(): Promise<void> {
    const { GROUP_JOIN, CRASH, FETCH } = this.#consumer.events;
    const fromEnd = this.#options.fromBeginning === false;
    const joined = new Promise<void>((resolve, reject) => {
      let hasJoined = false;
      this.#consumer.on(GROUP_JOIN, ({ payload }) => {
        // A restart already under way when stop() disconnected joins again: end it too.
        if (this.#ending !== undefined) void this.#consumer.disconnect().catch(() => {});
        this.#assignment = payload.memberAssignment;
        hasJoined = true;
        if (!fromEnd) resolve();
      });
      this.#consumer.on(FETCH, () => {
        this.#missing = 0;
        this.#options.onPoll?.();
      });
      const stopWatching = this.#consumer.on(FETCH, () => {
        if (!hasJoined) return;
        stopWatching();
        resolve();
      });
      this.#consumer.on(CRASH, ({ payload }) => {
        // kafkajs restarts the member itself after retriable errors; a stopped member ends.
        if (payload.restart || this.#stopping) return;
        const error = toBusError(payload.error, this.#bus.brokers, "consuming");
        reject(error);
        this.#fail(error);
      });
    });
    try {
      await this.#consumer.connect();
      await this.#consumer.subscribe({
        topics: this.#options.topics,
        fromBeginning: this.#options.fromBeginning ?? true,
      });
      await this.#consumer.run({
        autoCommit: false,
        partitionsConsumedConcurrently: this.#bus.partitionsConsumedConcurrently,
        eachBatchAutoResolve: false,
        eachBatch: (payload) => this.#handle(payload),
      });
      await joined;
    } catch (error) {
      await this.#consumer.disconnect().catch(() => {});
      throw toBusError(error, this.#bus.brokers, `joining group "${this.#options.group}"`);
    }
  }

  assigned(topic: string): number[] {
    return [...this.#assignment[topic] ?? []];
  }

  async stop(): Promise<void> {
    if (!this.#stopping) {
      this.#stopping = true;
      // No new batches; the ones handed over still commit, which needs a running consumer.
      try {
        this.#consumer.pause(this.#options.topics.map((topic) => ({ topic })));
      } catch {
        // The consumer already ended (a crash it did not restart from): nothing to pause.
      }
      // Committed batches leave their queue; after a failure nothing commits any more.
      let pending: Promise<void>[];
      while (
        this.#failure === undefined && (pending = [...this.#queues.values()].flat()).length > 0
      ) {
        await Promise.allSettled(pending);
      }
    }
    await this.#end();
    return this.done;
  }

  async #handle(payload: EachBatchPayload): Promise<void> {
    const { batch, heartbeat, isRunning, isStale, resolveOffset } = payload;
    if (
      this.#stopping || this.#failure !== undefined || !isRunning() || isStale() ||
      batch.messages.length === 0
    ) return;
    const { topic, partition } = batch;
    const messages: Delivery[] = batch.messages.map((m) =>
      new _KafkaDelivery(topic, partition, m.offset, m.key, _bytes(m.value))
    );
    const last = batch.messages[batch.messages.length - 1].offset;
    const next = (BigInt(last) + 1n).toString();
    const queue = this.#queue(topic, partition);
    const handled = Promise.try(() => this.#options.handleBatch({ topic, partition, messages }));
    // In order per partition: after this batch and every earlier one are handled.
    const committed = Promise.all([queue.at(-1), handled])
      .then(() => this.#commit(topic, partition, next));
    queue.push(committed);
    committed.then(() => queue.shift(), (error) => this.#fail(error));
    // kafkajs fetches the next batch from the resolved offset, not the committed one.
    resolveOffset(last);
    // Long handlers must not cost the membership: heartbeat while waiting for room.
    const beat = setInterval(() => heartbeat().catch(() => {}), this.#bus.heartbeatIntervalMs);
    try {
      while (queue.length >= this.#prefetch && this.#failure === undefined) {
        await queue[0]!.catch(() => {});
      }
    } finally {
      clearInterval(beat);
    }
  }

  /** Unsettled batches of a partition (handled and committed, or failed), oldest first. */
  #queue(topic: string, partition: number): Promise<void>[] {
    const key = `${topic}\0${partition}`;
    let queue = this.#queues.get(key);
    if (queue === undefined) this.#queues.set(key, queue = []);
    return queue;
  }

  async #commit(topic: string, partition: number, offset: string): Promise<void> {
    if (this.#failure !== undefined) return;
    // A rebalance may have moved the partition on while its batch was handled:
    // its new owner commits from now on (the batch's writes are done either way).
    if (!this.#assigned(topic, partition)) return;
    try {
      await this.#consumer.commitOffsets([{ topic, partition, offset }]);
    } catch (error) {
      if (this.#assigned(topic, partition)) {
        throw toBusError(error, this.#bus.brokers, `committing offsets of ${topic}/${partition}`);
      }
    }
  }

  /**
   * Whether kafkajs may restart the member after a retriable failure: not
   * once it is stopping or failed (it would join again, unowned, and hold its
   * partitions from the group), and not for ever on a topic that is gone.
   */
  #restartAfter(error: Error): boolean {
    if (this.#stopping || this.#failure !== undefined) return false;
    let cause = error as { cause?: unknown; type?: unknown };
    while (typeof cause.cause === "object" && cause.cause !== null) cause = cause.cause;
    if (cause.type !== "UNKNOWN_TOPIC_OR_PARTITION") return true;
    return ++this.#missing < _MISSING_TOPIC_RESTARTS;
  }

  #assigned(topic: string, partition: number): boolean {
    return this.#assignment[topic]?.includes(partition) ?? false;
  }

  #fail(error: unknown): void {
    if (this.#failure !== undefined) return;
    this.#failure = error;
    // Not awaited: disconnect waits for the batch in flight, which may be the caller.
    void this.#end();
  }

  #end(): Promise<void> {
    this.#ending ??= this.#consumer.disconnect().catch(() => {}).then(() => {
      if (this.#failure === undefined) this.#settle.resolve();
      else this.#settle.reject(this.#failure);
    });
    return this.#ending;
  }
}

// A topic being created can be briefly unknown to a broker; one deleted stays so.
const _MISSING_TOPIC_RESTARTS = 20;

function _bytes(value: Buffer | null): Uint8Array {
  if (value === null) return new Uint8Array();
  return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
}

/**
 * A delivery whose key is decoded when first read: the assembler reads only
 * the keys of dead letters, and decoding every key cost about 2% of its CPU.
 * The key is a getter, so `{ ...delivery }` would leave it out.
 */
class _KafkaDelivery implements Delivery {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly value: Uint8Array;
  #keyBytes: Buffer | null;
  #key: string | null | undefined;

  constructor(
    topic: string,
    partition: number,
    offset: string,
    keyBytes: Buffer | null,
    value: Uint8Array,
  ) {
    this.topic = topic;
    this.partition = partition;
    this.offset = offset;
    this.value = value;
    this.#keyBytes = keyBytes;
  }

  get key(): string | null {
    if (this.#key === undefined) this.#key = this.#keyBytes?.toString("utf8") ?? null;
    return this.#key;
  }
}
