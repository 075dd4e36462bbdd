/**
 * Where Kafka's own Java client puts keys: the reference for our partitioner.
 *
 * @module
 */

/**
 * Partitions from Kafka 4.4.0's own Java client,
 * `BuiltInPartitioner.partitionForKey(key.getBytes(UTF_8), n)`, for 6 and 4
 * partitions. The `*` keys hash negative: taking the hash as unsigned (as
 * @platformatic/kafka's default partitioner does) puts them elsewhere of 6.
 *
 * @example
 * ```ts
 * import { JAVA_PARTITIONS } from "./java_partitions.ts";
 * import { partitionFor } from "../../src/adapters/file_bus/partition_for.ts";
 * import assert from "node:assert";
 * for (const [key, of6, of4] of JAVA_PARTITIONS) {
 *   assert.equal(partitionFor(key, 6), of6, key);
 *   assert.equal(partitionFor(key, 4), of4, key);
 * }
 * ```
 */
export const JAVA_PARTITIONS: [key: string, of6: number, of4: number][] = [
  ["k0", 5, 1], // *
  ["k1", 5, 1],
  ["k2", 3, 1],
  ["k3", 4, 0],
  ["k4", 4, 0],
  ["k5", 0, 0],
  ["k6", 1, 1],
  ["k7", 4, 0],
  ["k8", 2, 2], // *
  ["k9", 2, 0], // *
  ["0123456789abcdef0123456789abcdef", 5, 1],
  ["ffffffffffffffffffffffffffffffff", 5, 3], // *
  ["5d41402abc4b2a76b9719d911017c592", 2, 0], // *
  ["7d793037a0760186574b0282f2f435e7", 1, 3], // *
  ["9e107d9d372bb6826bd81d3542a419d6", 3, 3],
  ["e4d909c290d0fb1ca068ffaddf22cbd0", 0, 2],
  ["héllo", 0, 2],
];
