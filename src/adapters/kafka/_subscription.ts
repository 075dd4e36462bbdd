import type { Buffer } from "node:buffer";
import type { Consumer, EachBatchPayload, Kafka } from "kafkajs";
import type { Delivery, SubscribeOptions, Subscription } from "../../ports/bus.ts";
import { toBusError } from "./_errors.ts";
import type { ResolvedKafkaBusOptions } from "./options.ts";

/**
 * One consumer-group member. The batches of one fetch (one per partition)
 * are handed to `handleBatch` concurrently. Offsets are committed by hand, per
 * partition, and only after `handleBatch` resolves; a handler error stops the member without committing,
 * so the next owner of the partition gets the batch again.
 */
export class KafkaSubscription implements Subscription {
  readonly done: Promise<void>;
  #consumer: Consumer;
  #options: SubscribeOptions;
  #bus: ResolvedKafkaBusOptions;
  #failure: unknown = undefined;
  #ending: Promise<void> | undefined;
  #settle!: { resolve(): void; reject(error: unknown): void };

  /** Creates the member; {@linkcode KafkaSubscription.start} joins the group. */
  constructor(kafka: Kafka, options: SubscribeOptions, bus: ResolvedKafkaBusOptions) {
    this.#options = options;
    this.#bus = bus;
    this.#consumer = kafka.consumer({
      groupId: options.group,
      sessionTimeout: bus.sessionTimeoutMs,
      heartbeatInterval: bus.heartbeatIntervalMs,
      maxWaitTimeInMs: bus.maxWaitMs,
      maxBytesPerPartition: bus.maxBytesPerPartition,
      maxBytes: bus.maxBytes,
      allowAutoTopicCreation: false,
      retry: { retries: bus.retries },
    });
    this.done = new Promise((resolve, reject) => {
      this.#settle = { resolve, reject };
    });
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
      this.#consumer.on(GROUP_JOIN, () => {
        hasJoined = true;
        if (!fromEnd) resolve();
      });
      const stopWatching = this.#consumer.on(FETCH, () => {
        if (!hasJoined) return;
        stopWatching();
        resolve();
      });
      this.#consumer.on(CRASH, ({ payload }) => {
        // kafkajs restarts the member itself after retriable errors.
        if (payload.restart) return;
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

  stop(): Promise<void> {
    return this.#end();
  }

  async #handle(payload: EachBatchPayload): Promise<void> {
    const { batch, heartbeat, isRunning, isStale, resolveOffset } = payload;
    if (this.#failure !== undefined || !isRunning() || isStale() || batch.messages.length === 0) {
      return;
    }
    const messages: Delivery[] = batch.messages.map((m) => ({
      topic: batch.topic,
      partition: batch.partition,
      offset: m.offset,
      key: m.key === null ? null : m.key.toString("utf8"),
      value: _bytes(m.value),
    }));
    // Long batches must not cost the membership: heartbeat while the handler runs.
    const beat = setInterval(() => heartbeat().catch(() => {}), this.#bus.heartbeatIntervalMs);
    try {
      await this.#options.handleBatch({ topic: batch.topic, partition: batch.partition, messages });
    } catch (error) {
      this.#fail(error);
      return;
    } finally {
      clearInterval(beat);
    }
    const last = batch.messages[batch.messages.length - 1].offset;
    resolveOffset(last);
    await payload.commitOffsetsIfNecessary({
      topics: [{
        topic: batch.topic,
        partitions: [{ partition: batch.partition, offset: (BigInt(last) + 1n).toString() }],
      }],
    });
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

function _bytes(value: Buffer | null): Uint8Array {
  if (value === null) return new Uint8Array();
  return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
}
