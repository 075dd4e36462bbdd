import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import {
  type API,
  type Callback,
  type Connection,
  crc32c,
  kGetApi,
  type MessageRecord,
  NumericMap,
  type Producer,
  produceV10,
  produceV11,
  Reader,
  readRecordsBatch,
  type Writer,
} from "@platformatic/kafka";
import { encodeProduceRequest } from "../../../../src/adapters/kafka/_record_batch.ts";
import {
  oneBufferProduceV11,
  withOneBufferRequests,
} from "../../../../src/adapters/kafka/_produce_api.ts";

/** Messages of every shape a record can take: key or none, empty, short and long values, times before and after the first. */
function sampleMessages(): (MessageRecord & { partition: number; timestamp: bigint })[] {
  const base = 1_738_368_000_000n;
  const bytes = (n: number, seed: number) =>
    Buffer.from(Array.from({ length: n }, (_, i) => (i * 31 + seed) & 0xff));
  const sizes = [0, 1, 63, 64, 65, 127, 128, 410, 20_000, 70_000];
  return Array.from({ length: 60 }, (_, i) => ({
    topic: i % 7 === 3 ? "trip-rejects" : "trip-events",
    partition: (i * 5) % 6,
    key: i % 11 === 4 ? undefined : bytes(i % 3 === 0 ? 32 : 70, i),
    value: bytes(sizes[i % sizes.length]!, i + 1),
    timestamp: base + BigInt((i * 7919) % 200_000) - 100_000n,
  }));
}

const producer = {
  producerId: 123_456_789_012n,
  producerEpoch: 7,
  sequences: new NumericMap([["trip-events:2", 1_000], ["trip-events:5", 2 ** 31 - 10]]),
};

Deno.test("encodeProduceRequest() writes the bytes of @platformatic/kafka's own produce v11 request", () => {
  for (const acks of [-1, 0, 1]) {
    const theirs = produceV11.createRequest(acks, 30_000, sampleMessages(), { ...producer }).buffer;
    const ours = encodeProduceRequest(acks, 30_000, sampleMessages(), producer, crc32c);
    assert.equal(ours.length, theirs.length);
    assert.ok(Buffer.compare(ours, theirs) === 0, `acks ${acks}: the bytes differ`);
  }
  // Without an idempotent producer: producer id -1, epoch 0, sequence 0.
  const plain = produceV11.createRequest(-1, 5, sampleMessages().slice(0, 5), {}).buffer;
  assert.ok(
    Buffer.compare(encodeProduceRequest(-1, 5, sampleMessages().slice(0, 5), {}, crc32c), plain) ===
      0,
  );
});

Deno.test("encodeProduceRequest() batches carry a valid CRC-32C and read back as the messages", () => {
  const messages = sampleMessages().filter((m) => m.topic === "trip-events" && m.partition === 2);
  const body = encodeProduceRequest(-1, 30_000, messages, producer, crc32c);
  // transactional id, acks, timeout, 1 topic, "trip-events", 1 partition, its index, records length.
  const batchAt = 1 + 2 + 4 + 1 + 1 + "trip-events".length + 1 + 4;
  const reader = Reader.from(body);
  reader.skip(batchAt);
  const recordsLength = reader.readUnsignedVarInt() - 1;
  const batchStart = reader.position;
  const batch = readRecordsBatch(reader);
  assert.equal(reader.position - batchStart, recordsLength);
  assert.equal(batch.crc, crc32c(body.subarray(batchStart + 21, batchStart + recordsLength)));
  assert.equal(batch.producerId, producer.producerId);
  assert.equal(batch.firstSequence, 1_000);
  assert.equal(batch.records.length, messages.length);
  batch.records.forEach((record, i) => {
    assert.deepEqual(record.key, messages[i]!.key ?? null);
    assert.deepEqual(record.value, messages[i]!.value);
    assert.equal(batch.firstTimestamp + record.timestampDelta, messages[i]!.timestamp);
  });
});

/** A connection that keeps what it is asked to send. */
function capturingConnection(): { connection: Connection; payloads: Writer[]; versions: number[] } {
  const payloads: Writer[] = [];
  const versions: number[] = [];
  const connection = {
    send(_key: number, version: number, createPayload: () => Writer) {
      versions.push(version);
      payloads.push(createPayload());
    },
  } as unknown as Connection;
  return { connection, payloads, versions };
}

Deno.test("oneBufferProduceV11 sends what the client's API sends, and leaves headers to it", () => {
  const done: Callback<unknown> = () => {};
  const withHeaders = sampleMessages().map((m, i) =>
    i === 9 ? { ...m, headers: new Map([[Buffer.from("h"), Buffer.from("v")]]) } : m
  );
  for (const messages of [sampleMessages(), withHeaders]) {
    const { connection, payloads, versions } = capturingConnection();
    oneBufferProduceV11(connection, -1, 30_000, messages, { ...producer }, done);
    const theirs = produceV11.createRequest(-1, 30_000, messages, { ...producer }).buffer;
    assert.deepEqual(versions, [11]);
    assert.ok(Buffer.compare(payloads[0]!.buffer, theirs) === 0);
  }
});

Deno.test("oneBufferProduceV11 stamps messages without a time with the time of sending, as the client does, also without producer options", () => {
  const { connection, payloads } = capturingConnection();
  const messages = sampleMessages().slice(0, 3).map(({ timestamp: _, ...m }) => ({
    ...m,
    partition: 1,
  }));
  const before = BigInt(Date.now());
  oneBufferProduceV11(connection, 1, 1_000, messages, undefined, () => {});
  const after = BigInt(Date.now());
  const reader = Reader.from(payloads[0]!.buffer);
  reader.skip(1 + 2 + 4 + 1 + 1 + "trip-events".length + 1 + 4);
  reader.readUnsignedVarInt();
  const batch = readRecordsBatch(reader);
  assert.ok(
    batch.firstTimestamp >= before && batch.firstTimestamp <= after,
    `${batch.firstTimestamp}`,
  );
  assert.deepEqual(batch.records.map((r) => r.timestampDelta), [0n, 0n, 0n]);
});

Deno.test("withOneBufferRequests() swaps in its API for produce v11 only", () => {
  const lookedUp: string[] = [];
  const metadataApi = Object.assign(() => {}, { key: 3, version: 12 });
  const fake = {
    [kGetApi](name: string, callback: Callback<unknown>) {
      lookedUp.push(name);
      callback(null, name === "Produce" ? produceV11.api : metadataApi);
    },
  };
  const producerOf = withOneBufferRequests(
    fake as unknown as Producer<Uint8Array, Uint8Array, Uint8Array, Uint8Array>,
  );
  const got = (name: string) => {
    let api: API<unknown[], unknown> | undefined;
    producerOf[kGetApi](
      name,
      (_error: Error | null, found?: API<unknown[], unknown>) => api = found,
    );
    return api;
  };
  assert.equal(got("Produce"), oneBufferProduceV11);
  assert.equal(got("Metadata"), metadataApi);
  assert.deepEqual(lookedUp, ["Produce", "Metadata"]);

  const older = {
    [kGetApi]: (_name: string, callback: Callback<unknown>) => callback(null, produceV10.api),
  } as unknown as Producer<Uint8Array, Uint8Array, Uint8Array, Uint8Array>;
  let api: unknown;
  withOneBufferRequests(older)[kGetApi](
    "Produce",
    (_error: Error | null, found?: unknown) => api = found,
  );
  assert.equal(api, produceV10.api);
});
