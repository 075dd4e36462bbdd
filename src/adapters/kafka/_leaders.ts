/**
 * Waiting until a new topic can be used: every partition has a leader.
 *
 * kafkajs' own wait (`createTopics({ waitForLeaders: true })`) retries only
 * `LEADER_NOT_AVAILABLE`, but a KRaft broker that has just started can also
 * answer `UNKNOWN_TOPIC_OR_PARTITION` for a topic it created a moment ago,
 * which made the first topic of a fresh broker fail now and then.
 *
 * @module
 */
import { ChillFlowError } from "../../errors.ts";

/** A partition as a metadata request describes it. */
export interface PartitionLeader {
  partitionId: number;
  /** The leader's broker id; negative while there is none. */
  leader: number;
}

/** Errors a metadata request gives while a new topic is still settling. */
const SETTLING = new Set(["UNKNOWN_TOPIC_OR_PARTITION", "LEADER_NOT_AVAILABLE"]);

/**
 * Polls `partitionsOf` until it lists `topic`'s partitions, each with a
 * leader. Settling errors and leaderless answers are retried every `delayMs`
 * until `timeoutMs` has passed (then `CF_BUS`, retryable); any other error is
 * thrown at once.
 *
 * @example A topic whose leader shows up on the second poll
 * ```ts
 * import { waitForLeaders } from "./_leaders.ts";
 * import assert from "node:assert";
 * const answers = [[{ partitionId: 0, leader: -1 }], [{ partitionId: 0, leader: 1 }]];
 * await waitForLeaders("t", () => Promise.resolve(answers.shift()!), { delayMs: 1 });
 * assert.equal(answers.length, 0);
 * ```
 */
export async function waitForLeaders(
  topic: string,
  partitionsOf: () => Promise<readonly PartitionLeader[]>,
  { timeoutMs = 10_000, delayMs = 100 }: { timeoutMs?: number; delayMs?: number } = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let why: string;
    try {
      const listed = await partitionsOf();
      const led = listed.filter((p) => p.leader >= 0).length;
      if (listed.length > 0 && led === listed.length) return;
      why = `${led} of ${listed.length} partitions have a leader`;
    } catch (error) {
      const type = (error as { type?: unknown }).type;
      if (typeof type !== "string" || !SETTLING.has(type)) throw error;
      why = (error as Error).message;
    }
    if (Date.now() + delayMs > deadline) {
      throw new ChillFlowError(
        "CF_BUS",
        `Topic "${topic}" has no leader on every partition after ${timeoutMs} ms: ${why}`,
        { retryable: true },
      );
    }
    await new Promise((resolve) => setTimeout(resolve, delayMs));
  }
}
