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
