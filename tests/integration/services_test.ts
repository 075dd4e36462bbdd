import assert from "node:assert/strict";
import { kafkaBrokers, requireService } from "../_support/services.ts";

Deno.test("integration: requireService says how to start a service that does not answer", async () => {
  const probe = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = probe.addr as Deno.NetAddr;
  probe.close(); // nothing listens there now
  const saved = Deno.env.get("KAFKA_BROKERS");
  Deno.env.set("KAFKA_BROKERS", `127.0.0.1:${port}`);
  try {
    assert.deepEqual(kafkaBrokers(), [`127.0.0.1:${port}`]);
    await assert.rejects(requireService("kafka"), (error: Error) => {
      assert.match(error.message, new RegExp(`kafka is unreachable at 127\\.0\\.0\\.1:${port}`));
      assert.match(error.message, /deno task services:up/);
      return true;
    });
  } finally {
    if (saved === undefined) Deno.env.delete("KAFKA_BROKERS");
    else Deno.env.set("KAFKA_BROKERS", saved);
  }
});

Deno.test("integration: requireService returns the address of a running service", async () => {
  assert.match(await requireService("postgres"), /^postgres(ql)?:\/\//);
  assert.match(await requireService("redis"), /^rediss?:\/\//);
});
