/**
 * Kafka produce requests (v11) whose record batches (magic 2, uncompressed)
 * are written into one buffer: the bytes @platformatic/kafka's own
 * `createRequest` writes, without its buffer per field. Its record encoding
 * allocated a `Buffer` for every length, delta and flag and cost about 3 µs a
 * record, half of what the replay's publish workers spent; this writes a
 * record in a fraction of that (`_produce_api.ts` plugs it into the client).
 *
 * @module
 */
import { Buffer } from "node:buffer";

/** What a record batch needs of a message: platformatic's `MessageRecord` without headers. */
export interface BatchMessage {
  topic: string;
  partition: number;
  key?: Uint8Array | null;
  value?: Uint8Array | null;
  /** Milliseconds since the epoch. */
  timestamp: bigint;
}

/** The idempotent producer's part of a produce request (platformatic's `ProduceOptions`). */
export interface BatchProducer {
  producerId?: bigint;
  producerEpoch?: number;
  /** The first sequence number of each `topic:partition`; 0 when absent. */
  sequences?: { getWithDefault(key: string, fallback: number): number };
}

/** A CRC-32C of bytes, as Kafka's record batches carry it. */
export type Crc32c = (bytes: Uint8Array) => number;

/** Bytes of a batch before its records: offset, length, epoch, magic, CRC and the header after it. */
const BATCH_HEADER_BYTES = 61;
/** Where the CRC-covered part of a batch starts (its attributes). */
const CRC_FROM = 21;

/**
 * A produce request v11 body (no request header) for `messages`, with
 * `acks` and `timeout`: topics in the order they first appear, each with its
 * partitions in ascending order (as the client groups them), one record batch
 * per partition with the messages in their order.
 *
 * @example
 * ```ts
 * import { encodeProduceRequest } from "./_record_batch.ts";
 * import assert from "node:assert";
 * const message = { topic: "t", partition: 0, key: null, value: new Uint8Array([1]), timestamp: 0n };
 * const body = encodeProduceRequest(-1, 30_000, [message], {}, () => 0);
 * assert.equal(body.length, 1 + 2 + 4 + 1 + 2 + 1 + 4 + 1 + 61 + 8 + 1 + 1 + 1);
 * ```
 */
export function encodeProduceRequest(
  acks: number,
  timeout: number,
  messages: readonly BatchMessage[],
  producer: BatchProducer,
  crc32c: Crc32c,
): Buffer {
  const topics = _batchesByTopic(messages);
  const names = new Map<string, Uint8Array>();
  let size = 1 + 2 + 4 + _uvarintSize(topics.size + 1) + 1;
  for (const [topic, partitions] of topics) {
    const name = Buffer.from(topic, "utf8");
    names.set(topic, name);
    size += _uvarintSize(name.length + 1) + name.length + _uvarintSize(partitions.length + 1) + 1;
    for (const batch of partitions) size += 4 + _uvarintSize(batch.bytes + 1) + batch.bytes + 1;
  }
  const out = Buffer.allocUnsafe(size);
  let p = 0;
  out[p++] = 0; // transactional_id: null
  out.writeInt16BE(acks, p);
  out.writeInt32BE(timeout, p + 2);
  p = _writeUvarint(out, p + 6, topics.size + 1);
  for (const [topic, partitions] of topics) {
    const name = names.get(topic)!;
    p = _writeUvarint(out, p, name.length + 1);
    out.set(name, p);
    p = _writeUvarint(out, p + name.length, partitions.length + 1);
    for (const batch of partitions) {
      out.writeInt32BE(batch.partition, p);
      p = _writeUvarint(out, p + 4, batch.bytes + 1);
      const sequence = producer.sequences?.getWithDefault(`${topic}:${batch.partition}`, 0) ?? 0;
      p = _writeBatch(out, p, batch, producer, sequence, crc32c);
      out[p++] = 0; // partition's tagged fields
    }
    out[p++] = 0; // topic's tagged fields
  }
  out[p++] = 0; // request's tagged fields
  return out;
}

/** A partition's records, sized: what the request writes for it. */
interface _PartitionBatch {
  partition: number;
  messages: BatchMessage[];
  /** Each record's length without its own length varint. */
  bodies: Int32Array;
  /** The whole batch's bytes. */
  bytes: number;
}

/** `messages` by topic, then by partition in ascending order, each partition's batch sized. */
function _batchesByTopic(
  messages: readonly BatchMessage[],
): Map<string, _PartitionBatch[]> {
  const topics = new Map<string, Map<number, BatchMessage[]>>();
  for (const message of messages) {
    let partitions = topics.get(message.topic);
    if (partitions === undefined) topics.set(message.topic, partitions = new Map());
    const records = partitions.get(message.partition);
    if (records === undefined) partitions.set(message.partition, [message]);
    else records.push(message);
  }
  const batches = new Map<string, _PartitionBatch[]>();
  for (const [topic, partitions] of topics) {
    const sorted = [...partitions].sort(([a], [b]) => a - b);
    batches.set(topic, sorted.map(([partition, records]) => _sizedBatch(partition, records)));
  }
  return batches;
}

function _sizedBatch(partition: number, messages: BatchMessage[]): _PartitionBatch {
  const bodies = new Int32Array(messages.length);
  let bytes = BATCH_HEADER_BYTES;
  const first = messages[0]!.timestamp;
  for (let i = 0; i < messages.length; i++) {
    const body = bodies[i] = _recordBodySize(messages[i]!, i, first);
    bytes += _varintSize(body) + body;
  }
  return { partition, messages, bodies, bytes };
}

function _recordBodySize(message: BatchMessage, offsetDelta: number, first: bigint): number {
  const key = message.key?.length ?? -1;
  const value = message.value?.length ?? -1;
  return 1 + _varintSize(_timestampDelta(message.timestamp, first)) + _varintSize(offsetDelta) +
    _varintSize(key) + Math.max(key, 0) + _varintSize(value) + Math.max(value, 0) + 1;
}

function _writeBatch(
  out: Buffer,
  start: number,
  { messages, bodies }: _PartitionBatch,
  producer: BatchProducer,
  sequence: number,
  crc32c: Crc32c,
): number {
  const first = messages[0]!.timestamp;
  let max = first;
  for (const message of messages) if (message.timestamp > max) max = message.timestamp;
  let p = start + BATCH_HEADER_BYTES;
  for (let i = 0; i < messages.length; i++) {
    const message = messages[i]!;
    const delta = _timestampDelta(message.timestamp, first);
    p = _writeVarint(out, p, bodies[i]!);
    out[p++] = 0; // attributes
    p = _writeVarint(out, p, delta);
    p = _writeVarint(out, p, i);
    p = _writeBytes(out, p, message.key);
    p = _writeBytes(out, p, message.value);
    out[p++] = 0; // no headers
  }
  out.writeBigInt64BE(0n, start); // base offset
  out.writeInt32BE(p - start - 12, start + 8);
  out.writeInt32BE(0, start + 12); // partition leader epoch
  out[start + 16] = 2; // magic
  out.writeInt16BE(0, start + CRC_FROM); // attributes: no compression, not transactional
  out.writeInt32BE(messages.length - 1, start + 23);
  out.writeBigInt64BE(first, start + 27);
  out.writeBigInt64BE(max, start + 35);
  out.writeBigInt64BE(producer.producerId ?? -1n, start + 43);
  out.writeInt16BE(producer.producerEpoch ?? 0, start + 51);
  out.writeInt32BE(sequence, start + 53);
  out.writeInt32BE(messages.length, start + 57);
  out.writeUInt32BE(crc32c(out.subarray(start + CRC_FROM, p)), start + 17);
  return p;
}

function _timestampDelta(timestamp: bigint, first: bigint): number {
  return timestamp === first ? 0 : Number(timestamp - first);
}

function _writeBytes(out: Buffer, p: number, bytes: Uint8Array | null | undefined): number {
  if (bytes === null || bytes === undefined) return _writeVarint(out, p, -1);
  p = _writeVarint(out, p, bytes.length);
  out.set(bytes, p);
  return p + bytes.length;
}

/** Zigzag: Kafka's signed varints and varlongs, for safe integers. */
function _zigzag(n: number): number {
  return n >= 0 ? 2 * n : -2 * n - 1;
}

function _varintSize(n: number): number {
  return _uvarintSize(_zigzag(n));
}

function _writeVarint(out: Buffer, p: number, n: number): number {
  return _writeUvarint(out, p, _zigzag(n));
}

function _uvarintSize(n: number): number {
  let size = 1;
  while (n >= 0x80) {
    n = Math.floor(n / 0x80);
    size++;
  }
  return size;
}

function _writeUvarint(out: Buffer, p: number, n: number): number {
  while (n >= 0x80) {
    out[p++] = (n % 0x80) | 0x80;
    n = Math.floor(n / 0x80);
  }
  out[p++] = n;
  return p;
}
