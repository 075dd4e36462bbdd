/**
 * The `Bus` port: partitioned, keyed, durable topics with consumer groups.
 * Adapters: `KafkaBus` (@platformatic/kafka to publish, kafkajs for topics
 * and consumer groups) and `FileBus` (embedded, files under
 * `.chillflow/bus`, shared between processes).
 *
 * @module
 */

/** A message to publish. Messages with the same key land on the same partition, in order. */
export interface OutgoingMessage {
  /** Picks the partition; trip events and rejects use their `trip_key`. */
  key: string;
  /** The body; a string is sent as its UTF-8 bytes. */
  value: Uint8Array | string;
}

/** A message received from a topic partition. */
export interface Delivery {
  /** Topic the message was read from. */
  topic: string;
  /** Partition of that topic the message was read from. */
  partition: number;
  /** Offset within the partition, as a decimal string (Kafka offsets exceed 2^53). */
  offset: string;
  /** The message key; null for a message published without one. */
  key: string | null;
  /** The body, as published (a string arrives as its UTF-8 bytes). */
  value: Uint8Array;
}

/** Consecutive messages from one partition. */
export interface DeliveryBatch {
  /** Topic of every message in the batch. */
  topic: string;
  /** Partition of every message in the batch. */
  partition: number;
  /** The messages, in offset order. */
  messages: Delivery[];
}

/** Options of {@linkcode Bus.subscribe}. */
export interface SubscribeOptions {
  /** Consumer group; members of one group share the partitions. */
  group: string;
  /** Topics to consume; the group shares out the partitions of all of them. */
  topics: string[];
  /** Where a group with no committed offset starts. @default true */
  fromBeginning?: boolean;
  /**
   * Handles one batch. Batches of different partitions may be handed over
   * concurrently (those of one fetch arrive together); batches of one
   * partition arrive in order, and overlap only up to `prefetch`. The batch's
   * offsets are committed only after the returned promise resolves; if it
   * rejects, the subscription stops and the batch is delivered again to the
   * next member that owns the partition.
   */
  handleBatch(batch: DeliveryBatch): Promise<void>;
  /**
   * How many batches of one partition may be in the handler at once. With
   * 1, the next batch of a partition is fetched only after the previous one
   * is handled and committed. With 2, the bus fetches and hands over the next
   * batch while the handler still works on the previous one, so fetching and
   * handling overlap; offsets are still committed per partition, in order,
   * each after its own and every earlier batch's handler resolved. Adapters
   * that read one batch at a time (`FileBus`) treat every value as 1.
   *
   * Above 1, a handler may still run after a rebalance gave its partition to
   * another member, which starts from the last committed offset: what the
   * handler writes must stay correct when two members handle the same batch.
   * @default 1
   */
  prefetch?: number;
  /**
   * Told after every fetch (or poll) the bus answered, with or without
   * messages. A member cut off from its bus stops hearing it, which tells an
   * empty topic from an unreachable one.
   */
  onPoll?(): void;
}

/** A running group membership. */
export interface Subscription {
  /**
   * Leaves the group after the batches in flight are handled and committed.
   * Rejects, like `done`, with the error of a batch that failed (before or
   * while stopping); that batch and later ones of its partition stay
   * uncommitted.
   */
  stop(): Promise<void>;
  /**
   * The partitions of `topic` this member was last given by its group (empty
   * before it joined); after `stop()`, those it held when it left.
   */
  assigned(topic: string): number[];
  /** Settles when the subscription ends: resolves on `stop()`, rejects on a handler error. */
  readonly done: Promise<void>;
}

/**
 * Publish and consume keyed messages.
 *
 * @example Publish and consume
 * ```ts ignore
 * await bus.ensureTopic("trip-events", 6);
 * await bus.publish("trip-events", [{ key: "k1", value: "hello" }]);
 * const sub = await bus.subscribe({ group: "g", topics: ["trip-events"], handleBatch: async (b) => {} });
 * await sub.stop();
 * ```
 */
export interface Bus extends AsyncDisposable {
  /** Which adapter serves this bus. */
  readonly kind: "kafka" | "file";
  /**
   * Creates the topic with `partitions` partitions if it does not exist, and
   * resolves to its partition count (an existing topic keeps its own).
   */
  ensureTopic(topic: string, partitions: number): Promise<number>;
  /**
   * Publishes messages; resolves once they are durably accepted. Calls that
   * overlap land in call order on each partition. The bus reads the values'
   * bytes until then, not after: a caller may write over them once the call
   * has resolved (a bus that keeps messages copies them).
   */
  publish(topic: string, messages: readonly OutgoingMessage[]): Promise<void>;
  /** Joins a consumer group and starts handling batches. */
  subscribe(options: SubscribeOptions): Promise<Subscription>;
  /** Deletes topics (tests and resets); missing topics are ignored. */
  deleteTopics(topics: readonly string[]): Promise<void>;
  /** Closes producers and consumers; calling it twice is harmless. */
  close(): Promise<void>;
}
