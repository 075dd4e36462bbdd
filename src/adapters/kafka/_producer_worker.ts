/**
 * Worker half of `KafkaProducer` (see `_producer.ts` for the guarantees):
 * one idempotent @platformatic/kafka producer that takes packed publishes,
 * gives each message its Java partition, keeps those of the partitions this
 * worker owns, splits them into produce requests in lanes of disjoint
 * partitions and answers when all are acknowledged.
 *
 * @module
 */
import type { MessageToProduce, Producer } from "@platformatic/kafka";
import { ChillFlowError, serializeError } from "../../errors.ts";
import { toBusError } from "./_errors.ts";
import type { ResolvedKafkaBusOptions } from "./options.ts";
import {
  javaPartition,
  planRequests,
  type ProducerReply,
  type ProducerRequest,
  PUBLISH_LANES,
  type PublishRequest,
} from "./_producer.ts";

// Loaded after `onmessage` is set: the client's modules load WebAssembly, and a
// start message posted while they load must not be missed.
const platformatic = import("@platformatic/kafka");
const produceApi = import("./_produce_api.ts");

type Bytes = Uint8Array;
type Produced = MessageToProduce<Bytes, Bytes, Bytes, Bytes>;

const scope = self as unknown as {
  postMessage(message: ProducerReply, transfer?: Transferable[]): void;
  onmessage: ((event: MessageEvent<ProducerRequest>) => void) | null;
};

let options: ResolvedKafkaBusOptions | undefined;
let producer: Promise<Producer<Bytes, Bytes, Bytes, Bytes>> | undefined;
/**
 * Publishes run one after the other, even when callers do not wait for each
 * other: two publishes at once could queue two sends over one partition.
 */
let queue: Promise<unknown> = Promise.resolve();
let closing = false;

scope.onmessage = (event) => {
  const request = event.data;
  if (request.kind === "start") {
    options = request.options;
    producer = _createProducer(request.options);
    // A failure to load the client is reported by the publishes that await it.
    producer.catch(() => {});
  } else if (request.kind === "publish") {
    const publishing = queue.then(() => _publish(request));
    queue = publishing.catch(() => {});
    publishing.then(
      () => {
        const spare = request.data.buffer;
        scope.postMessage({ kind: "published", id: request.id, spare }, [spare]);
      },
      (error: unknown) =>
        scope.postMessage({ kind: "failed", id: request.id, error: serializeError(error) }),
    );
  } else {
    // Not queued: closing fails the publishes under way instead of waiting for them.
    _close().finally(() => scope.postMessage({ kind: "closed" }));
  }
};

async function _createProducer(
  options: ResolvedKafkaBusOptions,
): Promise<Producer<Bytes, Bytes, Bytes, Bytes>> {
  const { ProduceAcks, Producer } = await platformatic;
  const { withOneBufferRequests } = await produceApi;
  return withOneBufferRequests(
    new Producer<Bytes, Bytes, Bytes, Bytes>({
      clientId: options.clientId,
      bootstrapBrokers: [...options.brokers],
      // Implies acks=all and one request in flight per connection.
      idempotent: true,
      acks: ProduceAcks.ALL,
      compression: options.compression,
      retries: _boundedRetries(options.retries),
      retryDelay: (_client, _operation, attempt) => Math.min(100 * 2 ** attempt, 2000),
      connectTimeout: options.connectionTimeoutMs,
      autocreateTopics: false,
    }),
  );
}

/**
 * platformatic turns an idempotent producer's `retries` of 0 or 1 into
 * "retry forever"; `false` means none, so 1 becomes 2.
 */
function _boundedRetries(retries: number): number | false {
  return retries <= 0 ? false : Math.max(retries, 2);
}

async function _publish(request: PublishRequest): Promise<void> {
  const closed = () =>
    new ChillFlowError("CF_BUS", "The Kafka producer was closed while publishing");
  if (closing) throw closed();
  const client = await producer!;
  const { maxBatchMessages, maxBatchBytes, brokers } = options!;
  const { topic, data, ends, worker, workers } = request;
  let failure: { error: unknown } | undefined;
  try {
    const metadata = await client.metadata({ topics: [topic] });
    const partitions = metadata.topics.get(topic)?.partitionsCount ?? 0;
    if (partitions <= 0) throw new Error(`Kafka reported no partitions for topic "${topic}"`);
    const n = ends.length / 2;
    const records: Produced[] = [];
    for (let i = 0, valueAt = 0, keyAt = ends[n - 1]!; i < n; i++) {
      const valueStart = valueAt, keyStart = keyAt;
      valueAt = ends[i]!;
      keyAt = ends[n + i]!;
      const key = data.subarray(keyStart, keyAt);
      const partition = javaPartition(key, partitions);
      if (partition % workers !== worker) continue;
      records.push({ topic, key, value: data.subarray(valueStart, valueAt), partition });
    }
    const lanes = planRequests(records, PUBLISH_LANES, maxBatchMessages, maxBatchBytes, workers);
    await Promise.all(lanes.map(async (requests) => {
      for (const messages of requests) {
        if (failure !== undefined) return;
        try {
          await client.send({ messages });
        } catch (error) {
          failure ??= { error };
        }
      }
    }));
  } catch (error) {
    failure ??= { error };
  }
  if (failure === undefined) return;
  throw closing ? closed() : toBusError(failure.error, brokers, `publishing to "${topic}"`);
}

async function _close(): Promise<void> {
  closing = true;
  const client = await producer?.catch(() => undefined);
  await client?.close().catch(() => {});
}
