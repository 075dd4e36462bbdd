/**
 * Options of {@linkcode KafkaBus}, with defaults tuned for one broker on a
 * developer machine or CI runner.
 *
 * @module
 */

/** Options of `KafkaBus.open`. */
export interface KafkaBusOptions {
  /** Bootstrap brokers, `host:port`. */
  brokers: readonly string[];
  /** Client id sent to the brokers. @default "chillflow" */
  clientId?: string;
  /**
   * Compression of published batches (@platformatic/kafka gzips through
   * `node:zlib`, no native addon). None, as in Kafka's own producer: on a
   * local broker gzip costs CPU and saves nothing (README, "The stream path"); choose
   * gzip when the network is the bottleneck. @default "none"
   */
  compression?: "gzip" | "none";
  /**
   * Worker threads that publish, each with its own producer for its share of
   * the partitions (`partition % publishWorkers`). @default 2
   */
  publishWorkers?: number;
  /** Most messages per produce request; larger publishes are split. @default 5000 */
  maxBatchMessages?: number;
  /**
   * Most bytes per produce request before compression (keys, values and
   * 16 bytes of record overhead each), below the broker's 1 MiB
   * `message.max.bytes` even when nothing compresses. @default 900000
   */
  maxBatchBytes?: number;
  /** TCP connect timeout per broker. @default 3000 */
  connectionTimeoutMs?: number;
  /** A member that sends no heartbeat for this long leaves the group. @default 10000 */
  sessionTimeoutMs?: number;
  /** Heartbeat interval, also while a long batch is being handled. @default 1000 */
  heartbeatIntervalMs?: number;
  /**
   * How long an idle fetch waits at the broker for new messages. It also bounds
   * how long `stop()` waits for the fetch in flight. @default 500
   */
  maxWaitMs?: number;
  /**
   * Most bytes one fetch takes from one partition. Large fetches let the
   * consumer handle tens of thousands of messages per round trip. @default 4194304 (4 MiB)
   */
  maxBytesPerPartition?: number;
  /** Most bytes of one fetch over all partitions. @default 33554432 (32 MiB) */
  maxBytes?: number;
  /**
   * How many partitions' batches of one fetch are handed to `handleBatch` at
   * once (never two of one partition). @default 64
   */
  partitionsConsumedConcurrently?: number;
  /**
   * Retries of a failing request before giving up, with doubling waits: from
   * 200 ms up to 2 s in the producer, 100 ms up to 2 s in the admin client,
   * kafkajs's default in the consumer (from 300 ms, up to 30 s). The producer
   * retries at least twice unless this is 0 (its client would read 1 as
   * "forever"). @default 5
   */
  retries?: number;
  /** kafkajs log entries (topics, consumer groups) printed to stderr. @default "error" */
  logLevel?: "nothing" | "error" | "warn" | "info" | "debug";
}

/** {@linkcode KafkaBusOptions} with every default applied. */
export type ResolvedKafkaBusOptions = Required<KafkaBusOptions>;

/**
 * Applies the defaults to `options`.
 *
 * @example
 * ```ts
 * import { resolveKafkaBusOptions } from "./options.ts";
 * import assert from "node:assert";
 * assert.equal(resolveKafkaBusOptions({ brokers: ["127.0.0.1:19092"] }).compression, "none");
 * ```
 */
export function resolveKafkaBusOptions(options: KafkaBusOptions): ResolvedKafkaBusOptions {
  const publishWorkers = options.publishWorkers ?? 2;
  if (!Number.isInteger(publishWorkers) || publishWorkers < 1) {
    throw new RangeError(`publishWorkers must be a whole number from 1, got ${publishWorkers}`);
  }
  return {
    brokers: options.brokers,
    clientId: options.clientId ?? "chillflow",
    compression: options.compression ?? "none",
    publishWorkers,
    maxBatchMessages: options.maxBatchMessages ?? 5000,
    maxBatchBytes: options.maxBatchBytes ?? 900_000,
    connectionTimeoutMs: options.connectionTimeoutMs ?? 3000,
    sessionTimeoutMs: options.sessionTimeoutMs ?? 10_000,
    heartbeatIntervalMs: options.heartbeatIntervalMs ?? 1000,
    maxWaitMs: options.maxWaitMs ?? 500,
    maxBytesPerPartition: options.maxBytesPerPartition ?? 4 * 1024 * 1024,
    maxBytes: options.maxBytes ?? 32 * 1024 * 1024,
    partitionsConsumedConcurrently: options.partitionsConsumedConcurrently ?? 64,
    retries: options.retries ?? 5,
    logLevel: options.logLevel ?? "error",
  };
}
