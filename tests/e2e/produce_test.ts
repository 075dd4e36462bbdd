/**
 * `deno task produce` end to end, run as a subprocess with exactly the
 * permissions deno.json declares: onto Kafka (whose client lists the environment and
 * must not ask for FFI), onto the embedded bus, and against a Kafka that is
 * not there.
 */
import assert from "node:assert/strict";
import { Kafka, logLevel } from "kafkajs";
import { repoPath } from "../_support/fixtures.ts";
import { denoTask } from "../_support/deno_task.ts";
import { requireService, testName } from "../_support/services.ts";

const GREEN = "data/green_tripdata_2024-01.parquet";

function produceTask(env: Record<string, string>, ...args: string[]) {
  return denoTask(["produce", GREEN, "--json", ...args], { env });
}

Deno.test({
  name: "e2e: produce replays a month onto Kafka, every event exactly once",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const brokers = await requireService("kafka");
    const prefix = `${testName("e2e_produce")}_`;
    const admin = new Kafka({ brokers: brokers.split(","), logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    try {
      const run = await produceTask({ KAFKA_BROKERS: brokers }, "--topic-prefix", prefix);
      assert.equal(run.code, 0, run.stderr);
      const summary = JSON.parse(run.stdout);
      assert.equal(summary.accepted, 55_913);
      assert.equal(summary.events, 55_913 * 3);
      const count = async (topic: string) =>
        (await admin.fetchTopicOffsets(topic))
          .reduce((n, p) => n + Number(p.high) - Number(p.low), 0);
      assert.equal(await count(`${prefix}trip-events`), 55_913 * 3);
      assert.equal(await count(`${prefix}trip-rejects`), 56_551 - 55_913);
    } finally {
      await admin.deleteTopics({
        topics: ["trip-events", "trip-rejects", "trip-events-dlq"].map((t) => prefix + t),
      }).catch(() => {});
      await admin.disconnect();
    }
  },
});

Deno.test("e2e: produce replays a month onto the embedded bus", async () => {
  const dataDir = `.chillflow/${testName("e2e_produce")}`;
  try {
    const run = await produceTask({}, "--data-dir", dataDir);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(JSON.parse(run.stdout).events, 55_913 * 3);
  } finally {
    await Deno.remove(repoPath(dataDir), { recursive: true }).catch(() => {});
  }
});

Deno.test("e2e: produce reports a Kafka that is not there in one line", async () => {
  const probe = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = probe.addr as Deno.NetAddr;
  probe.close(); // nothing listens there now
  const run = await produceTask({ KAFKA_BROKERS: `127.0.0.1:${port}` });
  assert.equal(run.code, 1);
  assert.match(
    run.stderr.trim(),
    new RegExp(
      `^produce: CF_BUS_UNREACHABLE: Cannot reach Kafka at 127\\.0\\.0\\.1:${port} [^\\n]*$`,
    ),
  );
});
