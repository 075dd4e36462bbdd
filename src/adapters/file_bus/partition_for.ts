/**
 * Key-to-partition mapping of the file bus: murmur2, as Kafka's Java client
 * and kafkajs's default partitioner, so a key lands on the same partition
 * number whichever bus carries it.
 *
 * @module
 */

const encoder = new TextEncoder();

/**
 * The partition of `key` among `partitions` partitions.
 *
 * @example
 * ```ts
 * import { partitionFor } from "./partition_for.ts";
 * import assert from "node:assert";
 * // As Kafka's Java client places them; "k0" and "k8" hash negative.
 * assert.equal(partitionFor("k0", 6), 5);
 * assert.equal(partitionFor("k8", 6), 2);
 * assert.equal(partitionFor("héllo", 6), 0);
 * ```
 */
export function partitionFor(key: string, partitions: number): number {
  return (murmur2(encoder.encode(key)) & 0x7fffffff) % partitions;
}

/**
 * Kafka's murmur2 hash (seed 0x9747b28c) as a signed 32-bit integer.
 *
 * @example
 * ```ts
 * import { murmur2 } from "./partition_for.ts";
 * import assert from "node:assert";
 * assert.equal(murmur2(new TextEncoder().encode("21")), -973932308);
 * ```
 */
export function murmur2(data: Uint8Array): number {
  const m = 0x5bd1e995;
  const length = data.length;
  let h = (0x9747b28c ^ length) | 0;
  const tail = length - (length % 4);
  for (let i = 0; i < tail; i += 4) {
    let k = data[i] | (data[i + 1] << 8) | (data[i + 2] << 16) | (data[i + 3] << 24);
    k = Math.imul(k, m);
    k ^= k >>> 24;
    k = Math.imul(k, m);
    h = Math.imul(h, m) ^ k;
  }
  switch (length % 4) {
    case 3:
      h ^= data[tail + 2] << 16;
    // falls through
    case 2:
      h ^= data[tail + 1] << 8;
    // falls through
    case 1:
      h ^= data[tail];
      h = Math.imul(h, m);
  }
  h ^= h >>> 13;
  h = Math.imul(h, m);
  h ^= h >>> 15;
  return h | 0;
}
