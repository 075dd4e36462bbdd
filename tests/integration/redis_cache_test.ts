import { RedisCache } from "../../src/adapters/redis/cache.ts";
import { ChillFlowError } from "../../src/errors.ts";
import { cacheSuite } from "../ports/cache_suite.ts";
import { requireService, testName } from "../_support/services.ts";
import assert from "node:assert/strict";

cacheSuite("integration: RedisCache", async () => {
  const url = await requireService("redis");
  return await RedisCache.open({ url, prefix: `${testName("cache")}:` });
});

Deno.test("integration: RedisCache.open() reports an unreachable server without its password", async () => {
  const error = await RedisCache.open({
    url: "redis://user:s3cret@127.0.0.1:1",
    connectTimeoutMs: 500,
  }).then(() => undefined, (e: unknown) => e);
  assert.ok(error instanceof ChillFlowError, String(error));
  assert.equal(error.code, "CF_CACHE_UNREACHABLE");
  assert.ok(!error.message.includes("s3cret"), error.message);
  assert.match(error.message, /Cannot connect to Redis at "redis:\/\/user:\*\*\*@127.0.0.1:1"/);
});

Deno.test("integration: RedisCache.open() refuses a database number the server does not have", async () => {
  const url = new URL(await requireService("redis"));
  url.pathname = "/99";
  const error = await RedisCache.open({ url: url.href }).then(() => undefined, (e: unknown) => e);
  assert.ok(error instanceof ChillFlowError, String(error));
  assert.equal(error.code, "CF_CONFIG");
  assert.match(error.message, /refused the connection's setup: ERR DB index is out of range/);
});

Deno.test({
  name: "integration: RedisCache reports a connection lost mid-run as CF_CACHE_UNREACHABLE",
  // ioredis keeps reconnect timers until its retry strategy gives up.
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const target = new URL(await requireService("redis"));
    // A relay in front of Redis that can be cut, as a network or a server restart would.
    const relay = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const open: Deno.Conn[] = [];
    (async () => {
      for await (const client of relay) {
        const server = await Deno.connect({
          hostname: target.hostname,
          port: Number(target.port || 6379),
        });
        open.push(client, server);
        client.readable.pipeTo(server.writable).catch(() => {});
        server.readable.pipeTo(client.writable).catch(() => {});
      }
    })().catch(() => {});
    const { port } = relay.addr as Deno.NetAddr;
    const cache = await RedisCache.open({ url: `redis://127.0.0.1:${port}` });
    try {
      assert.deepEqual(await cache.get([testName("lost")]), [undefined]);
      relay.close();
      for (const conn of open) {
        try {
          conn.close();
        } catch { /* already closed by its pipe */ }
      }
      await assert.rejects(cache.get([testName("lost")]), (e: unknown) => {
        assert.ok(e instanceof ChillFlowError, String(e));
        assert.equal(e.code, "CF_CACHE_UNREACHABLE");
        return true;
      });
    } finally {
      await cache.close();
    }
  },
});
