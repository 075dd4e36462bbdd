import assert from "node:assert/strict";
import { murmur2, partitionFor } from "../../../../src/adapters/file_bus/partition_for.ts";
import { assignPartitions } from "../../../../src/adapters/file_bus/assign_partitions.ts";

Deno.test("murmur2 matches Kafka's Java client", () => {
  // Vectors of org.apache.kafka.common.utils.UtilsTest#testMurmur2.
  const vectors: [string, number][] = [
    ["21", -973932308],
    ["foobar", -790332482],
    ["a-little-bit-long-string", -985981536],
    ["a-little-bit-longer-string", -1486304829],
    ["lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8", -58897971],
    ["abc", 479470107],
  ];
  for (const [text, hash] of vectors) {
    assert.equal(murmur2(new TextEncoder().encode(text)), hash, text);
  }
});

Deno.test("partitionFor is stable and in range", () => {
  for (let i = 0; i < 1000; i++) {
    const p = partitionFor(`key-${i}`, 6);
    assert.ok(p >= 0 && p < 6);
    assert.equal(partitionFor(`key-${i}`, 6), p);
  }
});

Deno.test("assignPartitions gives every partition to exactly one subscribed member", () => {
  const members = [
    { id: "c", topics: ["t"] },
    { id: "a", topics: ["t", "u"] },
    { id: "b", topics: ["u"] },
  ];
  const owners = ["a", "b", "c"].map((id) => assignPartitions(members, id, "t", 5));
  assert.deepEqual(owners, [[0, 2, 4], [], [1, 3]]);
  assert.deepEqual(assignPartitions(members, "z", "t", 5), [], "not a member");
});
