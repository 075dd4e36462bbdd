import assert from "node:assert/strict";
import { type PartitionLeader, waitForLeaders } from "../../../../src/adapters/kafka/_leaders.ts";
import { ChillFlowError } from "../../../../src/errors.ts";

/** A metadata source answering from a script: an error to throw or partitions to list. */
function scripted(answers: (PartitionLeader[] | Error)[]) {
  let calls = 0;
  const partitionsOf = () => {
    const answer = answers[Math.min(calls++, answers.length - 1)]!;
    return answer instanceof Error ? Promise.reject(answer) : Promise.resolve(answer);
  };
  return { partitionsOf, calls: () => calls };
}

const kafkaError = (type: string) => Object.assign(new Error(`broker says ${type}`), { type });
const led = (n: number, leader = 1) =>
  Array.from({ length: n }, (_, partitionId) => ({ partitionId, leader }));

Deno.test("waitForLeaders: retries a topic the broker does not know yet, then a leaderless one", async () => {
  const source = scripted([
    kafkaError("UNKNOWN_TOPIC_OR_PARTITION"),
    kafkaError("LEADER_NOT_AVAILABLE"),
    [],
    [...led(2), { partitionId: 2, leader: -1 }],
    led(3),
  ]);
  await waitForLeaders("t", source.partitionsOf, { delayMs: 1 });
  assert.equal(source.calls(), 5);
});

Deno.test("waitForLeaders: any other error is thrown at once", async () => {
  const source = scripted([kafkaError("TOPIC_AUTHORIZATION_FAILED"), led(1)]);
  await assert.rejects(waitForLeaders("t", source.partitionsOf, { delayMs: 1 }), /AUTHORIZATION/);
  assert.equal(source.calls(), 1);
});

Deno.test("waitForLeaders: gives up after the timeout with a retryable CF_BUS saying what it waited for", async () => {
  const source = scripted([[...led(1), { partitionId: 1, leader: -1 }]]);
  await assert.rejects(
    waitForLeaders("t", source.partitionsOf, { delayMs: 5, timeoutMs: 30 }),
    (error) => {
      assert.ok(error instanceof ChillFlowError);
      assert.equal(error.code, "CF_BUS");
      assert.equal(error.retryable, true);
      assert.match(
        error.message,
        /^Topic "t" has no leader on every partition after 30 ms: 1 of 2 partitions have a leader$/,
      );
      return true;
    },
  );
  assert.ok(source.calls() >= 2);
});
