/**
 * {@linkcode KafkaBus}: the `Bus` port on Apache Kafka through kafkajs.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import {
  type Admin,
  CompressionTypes,
  Kafka,
  type Message,
  Partitioners,
  type Producer,
} from "kafkajs";
import { ChillFlowError } from "../../errors.ts";
import type { Bus, OutgoingMessage, SubscribeOptions, Subscription } from "../../ports/bus.ts";
import { toBusError } from "./_errors.ts";
import "./_request_queue_fix.ts";
import { kafkaLogLevel, quietLogCreator } from "./_log.ts";
import { KafkaSubscription } from "./_subscription.ts";
import {
  type KafkaBusOptions,
  type ResolvedKafkaBusOptions,
  resolveKafkaBusOptions,
} from "./options.ts";

/**
 * Kafka topics with keyed messages (kafkajs's default murmur2 partitioner, as
 * the Java client), an idempotent producer with `acks=all`, and consumer
 * groups that commit by hand after each handled batch.
 *
 * @example Publish and consume
 * ```ts ignore
 * import { KafkaBus } from "./bus.ts";
 * await using bus = await KafkaBus.open({ brokers: ["127.0.0.1:19092"] });
 * await bus.ensureTopic("trip-events", 6);
 * await bus.publish("trip-events", [{ key: "k1", value: "hello" }]);
 * ```
 */
export class KafkaBus implements Bus {
  /** Which adapter serves this bus. */
  readonly kind = "kafka" as const;
  #kafka: Kafka;
  #admin: Admin;
  #options: ResolvedKafkaBusOptions;
  #producer: Promise<Producer> | undefined;
  #subscriptions = new Set<KafkaSubscription>();
  #closed: Promise<void> | undefined;

  private constructor(kafka: Kafka, admin: Admin, options: ResolvedKafkaBusOptions) {
    this.#kafka = kafka;
    this.#admin = admin;
    this.#options = options;
  }

  /**
   * Connects to the brokers; throws `CF_BUS_UNREACHABLE` when none answers.
   *
   * @example
   * ```ts ignore
   * import { KafkaBus } from "./bus.ts";
   * const bus = await KafkaBus.open({ brokers: ["127.0.0.1:19092"] });
   * await bus.close();
   * ```
   */
  static async open(options: KafkaBusOptions): Promise<KafkaBus> {
    const resolved = resolveKafkaBusOptions(options);
    if (resolved.brokers.length === 0) {
      throw new ChillFlowError("CF_CONFIG", "Cannot connect to Kafka: no brokers given");
    }
    const kafka = new Kafka({
      clientId: resolved.clientId,
      brokers: [...resolved.brokers],
      connectionTimeout: resolved.connectionTimeoutMs,
      retry: { retries: resolved.retries, initialRetryTime: 100, maxRetryTime: 2000 },
      logLevel: kafkaLogLevel(resolved.logLevel),
      logCreator: quietLogCreator(resolved.logLevel),
    });
    const admin = kafka.admin();
    try {
      await admin.connect();
    } catch (error) {
      await admin.disconnect().catch(() => {});
      throw toBusError(error, resolved.brokers, "connecting");
    }
    return new KafkaBus(kafka, admin, resolved);
  }

  /** Creates the topic with `partitions` partitions if it does not exist. */
  async ensureTopic(topic: string, partitions: number): Promise<void> {
    try {
      // Resolves false when the topic exists already.
      await this.#admin.createTopics({
        topics: [{ topic, numPartitions: partitions }],
        waitForLeaders: true,
      });
    } catch (error) {
      if (_alreadyExists(error)) return;
      throw toBusError(error, this.#options.brokers, `creating topic "${topic}"`);
    }
  }

  /** Publishes messages in batches; resolves once all in-sync replicas have them. */
  async publish(topic: string, messages: readonly OutgoingMessage[]): Promise<void> {
    if (messages.length === 0) return;
    const producer = await this.#connectedProducer();
    const compression = this.#options.compression === "gzip"
      ? CompressionTypes.GZIP
      : CompressionTypes.None;
    const { maxBatchMessages, maxBatchBytes } = this.#options;
    try {
      for (const batch of _chunks(messages, maxBatchMessages, maxBatchBytes)) {
        await producer.send({ topic, messages: batch, acks: -1, compression });
      }
    } catch (error) {
      throw toBusError(error, this.#options.brokers, `publishing to "${topic}"`);
    }
  }

  /** Joins the group with a new member; resolves once it has joined. */
  async subscribe(options: SubscribeOptions): Promise<Subscription> {
    const subscription = new KafkaSubscription(this.#kafka, options, this.#options);
    await subscription.start();
    this.#subscriptions.add(subscription);
    const forget = () => this.#subscriptions.delete(subscription);
    subscription.done.then(forget, forget);
    return subscription;
  }

  /** Deletes topics; missing topics are ignored. */
  async deleteTopics(topics: readonly string[]): Promise<void> {
    try {
      const existing = new Set(await this.#admin.listTopics());
      const doomed = topics.filter((topic) => existing.has(topic));
      if (doomed.length > 0) await this.#admin.deleteTopics({ topics: doomed });
    } catch (error) {
      throw toBusError(error, this.#options.brokers, "deleting topics");
    }
  }

  /** Stops every subscription, then disconnects; calling it twice is harmless. */
  close(): Promise<void> {
    this.#closed ??= (async () => {
      await Promise.all([...this.#subscriptions].map((s) => s.stop()));
      const producer = await this.#producer?.catch(() => undefined);
      await producer?.disconnect().catch(() => {});
      await this.#admin.disconnect().catch(() => {});
    })();
    return this.#closed;
  }

  /** Same as {@linkcode KafkaBus.close}. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  #connectedProducer(): Promise<Producer> {
    this.#producer ??= (async () => {
      const producer = this.#kafka.producer({
        idempotent: true,
        maxInFlightRequests: 1,
        allowAutoTopicCreation: false,
        createPartitioner: Partitioners.DefaultPartitioner,
        // Bounded on purpose: an unreachable broker must fail the task, not hang it.
        retry: { retries: this.#options.retries, initialRetryTime: 100, maxRetryTime: 2000 },
      });
      try {
        await producer.connect();
      } catch (error) {
        this.#producer = undefined;
        throw toBusError(error, this.#options.brokers, "connecting the producer");
      }
      return producer;
    })();
    return this.#producer;
  }
}

/** Splits a publish into produce requests below the broker's size limit. */
function* _chunks(
  messages: readonly OutgoingMessage[],
  maxCount: number,
  maxBytes: number,
): Generator<Message[]> {
  let batch: Message[] = [];
  let bytes = 0;
  for (const m of messages) {
    const value = typeof m.value === "string"
      ? m.value
      : Buffer.from(m.value.buffer, m.value.byteOffset, m.value.byteLength);
    const size = Buffer.byteLength(m.key) +
      (typeof value === "string" ? Buffer.byteLength(value) : value.length);
    if (batch.length > 0 && (batch.length >= maxCount || bytes + size > maxBytes)) {
      yield batch;
      batch = [];
      bytes = 0;
    }
    batch.push({ key: m.key, value });
    bytes += size;
  }
  if (batch.length > 0) yield batch;
}

function _alreadyExists(error: unknown): boolean {
  const { type, errors } = error as { type?: string; errors?: { type?: string }[] };
  if (type === "TOPIC_ALREADY_EXISTS") return true;
  return Array.isArray(errors) && errors.length > 0 &&
    errors.every((e) => e.type === "TOPIC_ALREADY_EXISTS");
}
