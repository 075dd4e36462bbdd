import assert from "node:assert/strict";
import {
  javaPartition,
  packMessages,
  planRequests,
  RECORD_OVERHEAD_BYTES,
} from "../../../../src/adapters/kafka/_producer.ts";
import { resolveKafkaBusOptions } from "../../../../src/adapters/kafka/options.ts";
import { murmur2 } from "../../../../src/adapters/file_bus/partition_for.ts";
import { JAVA_PARTITIONS } from "../../../_support/java_partitions.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

Deno.test("javaPartition() puts keys where Kafka's Java client does", () => {
  for (const [key, of6, of4] of JAVA_PARTITIONS) {
    assert.equal(javaPartition(encoder.encode(key), 6), of6, `${key} of 6`);
    assert.equal(javaPartition(encoder.encode(key), 4), of4, `${key} of 4`);
  }
  // The vectors include keys where the unsigned hash would choose differently.
  const unsigned = (key: string) => (murmur2(encoder.encode(key)) >>> 0) % 6;
  const moved = JAVA_PARTITIONS.filter(([key, of6]) => unsigned(key) !== of6);
  assert.deepEqual(moved.map(([key]) => key), [
    "k0",
    "k8",
    "k9",
    "ffffffffffffffffffffffffffffffff",
    "5d41402abc4b2a76b9719d911017c592",
    "7d793037a0760186574b0282f2f435e7",
  ]);
});

Deno.test("planRequests() keeps each partition's order in one lane, within count and byte limits", () => {
  const random = (() => {
    let s = 42;
    return () => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  })();
  const records = Array.from({ length: 5000 }, (_, seq) => ({
    key: new Uint8Array(8),
    value: new Uint8Array(Math.floor(random() * 900)),
    partition: Math.floor(random() * 6),
    seq,
  }));
  const maxCount = 300;
  const maxBytes = 50_000;
  const lanes = planRequests(records, 2, maxCount, maxBytes);
  assert.equal(lanes.length, 2);
  const seen: number[] = [];
  lanes.forEach((requests, lane) => {
    for (const request of requests) {
      assert.ok(request.length >= 1 && request.length <= maxCount);
      const bytes = request.reduce((sum, r) => sum + 8 + r.value.length + RECORD_OVERHEAD_BYTES, 0);
      assert.ok(bytes <= maxBytes, `${bytes} bytes`);
      for (const r of request) assert.equal(r.partition % 2, lane, "partition in its lane");
    }
    const order = requests.flat().map((r) => r.seq);
    assert.deepEqual(order, [...order].sort((a, b) => a - b), `lane ${lane} keeps record order`);
    seen.push(...order);
  });
  assert.deepEqual(seen.sort((a, b) => a - b), records.map((r) => r.seq), "every record once");
});

Deno.test("planRequests() spreads a worker's every stride-th partition over its lanes", () => {
  const bytes = new Uint8Array(4);
  // Worker 1 of 3 owns partitions 1, 4, 7 and 10: without the stride all would share one lane.
  const records = [1, 4, 7, 10, 1].map((partition) => ({ value: bytes, partition }));
  const lanes = planRequests(records, 2, 100, 1000, 3);
  assert.deepEqual(lanes.map((l) => l.map((r) => r.map((m) => m.partition))), [[[1, 7, 1]], [[
    4,
    10,
  ]]]);
});

Deno.test("planRequests() gives a record above the byte limit a request of its own", () => {
  const small = { value: new Uint8Array(10), partition: 0 };
  const big = { value: new Uint8Array(2000), partition: 0 };
  const lanes = planRequests([small, big, small], 1, 100, 1000);
  assert.deepEqual(lanes[0]!.map((r) => r.map((m) => m.value.length)), [[10], [2000], [10]]);
  assert.deepEqual(planRequests([], 2, 100, 1000), []);
});

Deno.test("packMessages() packs UTF-8 keys and values, adjacent views in one copy or not", () => {
  const chunk = encoder.encode("aaabbbbcc");
  const other = encoder.encode("xyz");
  const messages = [
    { key: "k1", value: chunk.subarray(0, 3) },
    { key: "k2", value: chunk.subarray(3, 7) }, // follows the previous one
    { key: "ké", value: "vé\u2028" },
    { key: "k3", value: chunk.subarray(7, 9) },
    { key: "", value: other.subarray(1) },
    { key: "k4", value: new Uint8Array(0) },
    { key: "k5", value: chunk.subarray(0, 1) }, // adjacent to nothing before it
  ];
  const { data, ends } = packMessages(messages);
  const n = messages.length;
  let valueAt = 0;
  let keyAt = ends[n - 1]!;
  messages.forEach((m, i) => {
    const value = data.subarray(valueAt, valueAt = ends[i]!);
    const key = data.subarray(keyAt, keyAt = ends[n + i]!);
    assert.equal(decoder.decode(key), m.key);
    assert.equal(
      decoder.decode(value),
      typeof m.value === "string" ? m.value : decoder.decode(m.value),
    );
  });
  assert.ok(keyAt <= data.length);
});

Deno.test("packMessages() packs into a spare buffer large enough, else into a new one", () => {
  const messages = [{ key: "k1", value: "v1" }, { key: "k2", value: encoder.encode("v22") }];
  const spare = new ArrayBuffer(64);
  new Uint8Array(spare).fill(0x7e);
  const reused = packMessages(messages, spare);
  assert.equal(reused.data.buffer, spare);
  assert.equal(decoder.decode(reused.data.subarray(0, reused.ends[3])), "v1v22k1k2");
  const small = new ArrayBuffer(4);
  const fresh = packMessages(messages, small);
  assert.notEqual(fresh.data.buffer, small);
  assert.equal(decoder.decode(fresh.data.subarray(0, fresh.ends[3])), "v1v22k1k2");
});

Deno.test("resolveKafkaBusOptions() refuses a publishWorkers count that is not a whole number from 1", () => {
  const brokers = ["127.0.0.1:19092"];
  assert.equal(resolveKafkaBusOptions({ brokers }).publishWorkers, 2);
  assert.equal(resolveKafkaBusOptions({ brokers, publishWorkers: 1 }).publishWorkers, 1);
  for (const publishWorkers of [0, -1, 1.5, NaN]) {
    assert.throws(() => resolveKafkaBusOptions({ brokers, publishWorkers }), RangeError);
  }
});
