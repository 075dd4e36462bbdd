import assert from "node:assert/strict";
import { ChillFlowError } from "../../src/errors.ts";
import { KafkaBus } from "../../src/adapters/kafka/bus.ts";
import { busSuite } from "../ports/bus_suite.ts";
import { requireService } from "../_support/services.ts";

busSuite(
  "integration: KafkaBus",
  async () => {
    const brokers = (await requireService("kafka")).split(",");
    // Short sessions keep rebalances in these tests fast.
    return await KafkaBus.open({ brokers, sessionTimeoutMs: 6000, heartbeatIntervalMs: 500 });
  },
  { sanitize: false },
);

Deno.test("integration: KafkaBus.open reports an unreachable broker as CF_BUS_UNREACHABLE", async () => {
  const probe = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = probe.addr as Deno.NetAddr;
  probe.close(); // nothing listens there now
  await assert.rejects(
    KafkaBus.open({ brokers: [`127.0.0.1:${port}`], retries: 1, connectionTimeoutMs: 500 }),
    (error: unknown) => {
      assert.ok(error instanceof ChillFlowError);
      assert.equal(error.code, "CF_BUS_UNREACHABLE");
      assert.match(error.message, new RegExp(`Cannot reach Kafka at 127\\.0\\.0\\.1:${port}`));
      return true;
    },
  );
});
