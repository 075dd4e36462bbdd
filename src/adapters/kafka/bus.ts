/**
 * {@linkcode KafkaBus}: the `Bus` port on Apache Kafka. Publishing goes
 * through @platformatic/kafka (`_producer.ts`, several times kafkajs's
 * throughput); topics and consumer groups through kafkajs.
 *
 * @module
 */
import { type Admin, Kafka } from "kafkajs";
import { ChillFlowError } from "../../errors.ts";
import type { Bus, OutgoingMessage, SubscribeOptions, Subscription } from "../../ports/bus.ts";
import { toBusError } from "./_errors.ts";
import "./_record_decode_fix.ts";
import "./_request_queue_fix.ts";
import { waitForLeaders } from "./_leaders.ts";
import { kafkaLogLevel, quietLogCreator } from "./_log.ts";
import { KafkaProducer } from "./_producer.ts";
import { KafkaSubscription } from "./_subscription.ts";
import {
  type KafkaBusOptions,
  type ResolvedKafkaBusOptions,
  resolveKafkaBusOptions,
} from "./options.ts";

/**
 * Kafka topics with keyed messages (murmur2 partitions, as the Java client),
 * an idempotent producer with `acks=all`, and consumer groups that commit by
 * hand after each handled batch.
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
  #producer: KafkaProducer | undefined;
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
  async ensureTopic(topic: string, partitions: number): Promise<number> {
    this.#checkOpen();
    const partitionsOf = async () => {
      const { topics } = await this.#admin.fetchTopicMetadata({ topics: [topic] });
      return topics[0]?.partitions ?? [];
    };
    try {
      // Resolves false when the topic exists already.
      const created = await this.#admin.createTopics({
        topics: [{ topic, numPartitions: partitions }],
        waitForLeaders: false,
      }).catch((error) => _alreadyExists(error) ? false : Promise.reject(error));
      if (!created) return (await partitionsOf()).length;
      await waitForLeaders(topic, partitionsOf);
      return partitions;
    } catch (error) {
      throw toBusError(error, this.#options.brokers, `creating topic "${topic}"`);
    }
  }

  /**
   * Publishes messages in produce requests below the broker's size limit;
   * resolves once all in-sync replicas have them.
   */
  publish(topic: string, messages: readonly OutgoingMessage[]): Promise<void> {
    try {
      this.#checkOpen();
    } catch (error) {
      return Promise.reject(error);
    }
    this.#producer ??= new KafkaProducer(this.#options);
    return this.#producer.publish(topic, messages);
  }

  /** Joins the group with a new member; resolves once it has joined. */
  async subscribe(options: SubscribeOptions): Promise<Subscription> {
    this.#checkOpen();
    const subscription = new KafkaSubscription(this.#kafka, options, this.#options);
    await subscription.start();
    if (this.#closed !== undefined) {
      // close() began while the member joined, and did not see it: it would run on.
      await subscription.stop().catch(() => {});
      this.#checkOpen();
    }
    this.#subscriptions.add(subscription);
    const forget = () => this.#subscriptions.delete(subscription);
    subscription.done.then(forget, forget);
    return subscription;
  }

  /** Deletes topics; missing topics are ignored. */
  async deleteTopics(topics: readonly string[]): Promise<void> {
    this.#checkOpen();
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
      // A failed subscription reported its error on `done` and `stop()`: close regardless.
      await Promise.allSettled([...this.#subscriptions].map((s) => s.stop()));
      await this.#producer?.close();
      await this.#admin.disconnect().catch(() => {});
    })();
    return this.#closed;
  }

  /** Same as {@linkcode KafkaBus.close}. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  #checkOpen(): void {
    if (this.#closed !== undefined) throw new ChillFlowError("CF_BUS", "The Kafka bus is closed");
  }
}

function _alreadyExists(error: unknown): boolean {
  const { type, errors } = error as { type?: string; errors?: { type?: string }[] };
  if (type === "TOPIC_ALREADY_EXISTS") return true;
  return Array.isArray(errors) && errors.length > 0 &&
    errors.every((e) => e.type === "TOPIC_ALREADY_EXISTS");
}
