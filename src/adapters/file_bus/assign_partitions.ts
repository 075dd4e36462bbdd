/**
 * Deterministic partition assignment of the file bus's consumer groups.
 *
 * @module
 */

/** A live group member and the topics it subscribes to. */
export interface GroupMember {
  id: string;
  topics: readonly string[];
}

/**
 * The partitions of `topic` that `memberId` owns: with the subscribed members
 * sorted by id, partition `p` goes to member `p mod n`. Every member computes
 * the same answer from the same view of the group, with no coordinator.
 *
 * @example
 * ```ts
 * import { assignPartitions } from "./assign_partitions.ts";
 * import assert from "node:assert";
 * const members = [{ id: "b", topics: ["t"] }, { id: "a", topics: ["t"] }];
 * assert.deepEqual(assignPartitions(members, "a", "t", 4), [0, 2]);
 * ```
 */
export function assignPartitions(
  members: readonly GroupMember[],
  memberId: string,
  topic: string,
  partitions: number,
): number[] {
  const ids = members.filter((m) => m.topics.includes(topic)).map((m) => m.id).sort();
  const index = ids.indexOf(memberId);
  if (index === -1) return [];
  const owned: number[] = [];
  for (let p = index; p < partitions; p += ids.length) owned.push(p);
  return owned;
}
