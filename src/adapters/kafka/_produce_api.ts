/**
 * Hands a @platformatic/kafka producer a Produce API (v11) that writes its
 * requests with {@linkcode encodeProduceRequest}, in one buffer, instead of
 * the client's buffer per field. Everything else stays the client's:
 * connections, metadata, sequence numbers, retries, response parsing. The
 * hook is the client's own API lookup (`kGetApi`), per producer instance;
 * requests it does not write byte for byte as the client would (another
 * version, compression, transactions, headers) go to the client's API.
 *
 * @module
 */
import {
  type API,
  type Callback,
  type Connection,
  crc32c,
  kGetApi,
  type MessageRecord,
  type Producer,
  produceV11,
  Writer,
} from "@platformatic/kafka";
import { type BatchMessage, type BatchProducer, encodeProduceRequest } from "./_record_batch.ts";

type ProduceApi = typeof produceV11.api;
type ProduceOptions = NonNullable<Parameters<typeof produceV11.createRequest>[3]>;

/**
 * Makes `producer` write its v11 produce requests with
 * {@linkcode encodeProduceRequest}; returns the same producer.
 *
 * @example
 * ```ts ignore
 * import { Producer } from "@platformatic/kafka";
 * const producer = withOneBufferRequests(
 *   new Producer({ clientId: "chillflow", bootstrapBrokers: ["127.0.0.1:19092"] }),
 * );
 * ```
 */
export function withOneBufferRequests<
  P extends Producer<Uint8Array, Uint8Array, Uint8Array, Uint8Array>,
>(
  producer: P,
): P {
  const lookup = producer[kGetApi].bind(producer);
  producer[kGetApi] = <A extends unknown[], R>(name: string, callback: Callback<API<A, R>>) =>
    lookup<A, R>(name, (error, api) => {
      if (error === null && name === "Produce" && api?.version === produceV11.api.version) {
        callback(null, oneBufferProduceV11 as unknown as API<A, R>);
      } else {
        callback(error, api);
      }
    });
  return producer;
}

/**
 * A Produce v11 API with the client's signature and response parsing, whose
 * request body comes from {@linkcode encodeProduceRequest}.
 *
 * @example
 * ```ts ignore
 * // `connection` from the client's pool; `messages` with topic and partition.
 * oneBufferProduceV11(connection, -1, 30_000, messages, { producerId, producerEpoch, sequences }, callback);
 * ```
 */
export const oneBufferProduceV11 = Object.assign(
  function produce(
    connection: Connection,
    acks: number | undefined,
    timeout: number | undefined,
    messages: MessageRecord[],
    options: Partial<ProduceOptions> | undefined,
    callback: Callback<boolean | produceV11.ProduceResponse>,
  ): void {
    if (!_encodable(messages, options)) {
      produceV11.api(connection, acks, timeout, messages, options, callback);
      return;
    }
    const ackMode = acks ?? 1;
    connection.send(
      produceV11.api.key,
      produceV11.api.version,
      () => {
        const now = BigInt(Date.now());
        for (const message of messages) {
          message.partition ??= 0;
          message.timestamp ??= now;
        }
        const body = encodeProduceRequest(
          ackMode,
          timeout ?? 0,
          messages as BatchMessage[],
          (options ?? {}) as BatchProducer,
          crc32c,
        );
        const writer = Writer.create().append(body);
        if (ackMode === 0) writer.context.noResponse = true;
        return writer;
      },
      produceV11.parseResponse,
      true,
      true,
      callback,
    );
  },
  { key: produceV11.api.key, version: produceV11.api.version },
) as unknown as ProduceApi;

function _encodable(
  messages: MessageRecord[],
  options: Partial<ProduceOptions> | undefined,
): boolean {
  if (messages.length === 0) return false;
  if ((options?.compression ?? "none") !== "none" || options?.transactionalId != null) return false;
  if ((options?.partitionLeaderEpoch ?? 0) !== 0) return false;
  return messages.every((m) => m.headers === undefined || m.headers.size === 0);
}
