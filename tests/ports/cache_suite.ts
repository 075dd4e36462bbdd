/**
 * The shared behaviour suite of the {@linkcode Cache} port, run against every adapter.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { Cache } from "../../src/ports/cache.ts";

/**
 * Registers the Cache port tests for one adapter. `open` returns a fresh
 * cache; every test deletes the keys it wrote before closing it.
 *
 * @example
 * ```ts ignore
 * cacheSuite("MemoryCache", () => MemoryCache.open());
 * ```
 */
export function cacheSuite(name: string, open: () => Promise<Cache>): void {
  const test = (what: string, fn: (cache: Cache) => Promise<void>, keys: string[]) =>
    Deno.test(`${name} ${what}`, async () => {
      const cache = await open();
      try {
        await fn(cache);
      } finally {
        await cache.delete(keys);
        await cache.close();
      }
    });

  test("get() and set() round-trip strings; missing keys are undefined", async (cache) => {
    await cache.set([["s:a", "1"], ["s:b", "two"]]);
    assert.deepEqual(await cache.get(["s:a", "s:missing", "s:b"]), ["1", undefined, "two"]);
    await cache.set([["s:a", "3"]]);
    assert.deepEqual(await cache.get(["s:a"]), ["3"]);
    assert.deepEqual(await cache.get([]), []);
  }, ["s:a", "s:b"]);

  test("set() with ttlMs expires the key", async (cache) => {
    // A second of life, so that a slow round trip cannot outlast it before the first read.
    await cache.set([["t:a", "x"]], { ttlMs: 1_000 });
    await cache.set([["t:b", "y"]], { ttlMs: 60_000 });
    assert.deepEqual(await cache.get(["t:a", "t:b"]), ["x", "y"]);
    const deadline = Date.now() + 10_000;
    while ((await cache.get(["t:a"]))[0] !== undefined) {
      assert.ok(Date.now() < deadline, "t:a outlived its ttl by 9 s");
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.deepEqual(await cache.get(["t:a", "t:b"]), [undefined, "y"]);
  }, ["t:a", "t:b"]);

  test("hashSet() merges fields and hashGetAll() reads many hashes", async (cache) => {
    await cache.hashSet([
      { key: "h:1", fields: { a: "1" } },
      { key: "h:2", fields: { b: "2", c: "3" } },
    ]);
    await cache.hashSet([{ key: "h:1", fields: { b: "x" } }, { key: "h:3", fields: {} }]);
    assert.deepEqual(await cache.hashGetAll(["h:1", "h:2", "h:3"]), [
      { a: "1", b: "x" },
      { b: "2", c: "3" },
      {},
    ]);
  }, ["h:1", "h:2", "h:3"]);

  test("delete() removes many keys of any kind and ignores missing ones", async (cache) => {
    await cache.set([["d:s", "1"]]);
    await cache.hashSet([{ key: "d:h", fields: { a: "1" } }]);
    await cache.indexAdd("d:i", [{ member: "m", score: 1 }]);
    await cache.delete(["d:s", "d:h", "d:i", "d:missing"]);
    assert.deepEqual(await cache.get(["d:s"]), [undefined]);
    assert.deepEqual(await cache.hashGetAll(["d:h"]), [{}]);
    assert.deepEqual(await cache.rangeByScore("d:i", Infinity), []);
    await cache.delete([]);
  }, ["d:s", "d:h", "d:i"]);

  test(
    "a sorted index ranges by score, keeps the lower score and removes members",
    async (cache) => {
      await cache.indexAdd("i:x", [
        { member: "c", score: 30 },
        { member: "a", score: 10 },
        { member: "b", score: 20 },
      ]);
      await cache.indexAdd("i:x", [{ member: "c", score: 5 }, { member: "a", score: 50 }]);
      assert.deepEqual(await cache.rangeByScore("i:x", 20), [
        { member: "c", score: 5 },
        { member: "a", score: 10 },
        { member: "b", score: 20 },
      ]);
      assert.deepEqual(await cache.rangeByScore("i:x", 100, { limit: 1 }), [{
        member: "c",
        score: 5,
      }]);
      assert.deepEqual(await cache.rangeByScore("i:x", 4), []);
      await cache.indexRemove("i:x", ["c", "missing"]);
      assert.deepEqual((await cache.rangeByScore("i:x", Infinity)).map((m) => m.member), [
        "a",
        "b",
      ]);
      assert.deepEqual(await cache.rangeByScore("i:none", Infinity), []);
    },
    ["i:x"],
  );

  test("scores keep full naive-epoch-millisecond precision", async (cache) => {
    const ts = Date.UTC(2024, 0, 31, 23, 59, 59, 999);
    await cache.indexAdd("p:x", [{ member: "k", score: ts }]);
    assert.deepEqual(await cache.rangeByScore("p:x", ts), [{ member: "k", score: ts }]);
    assert.deepEqual(await cache.rangeByScore("p:x", ts - 1), []);
  }, ["p:x"]);

  test("batches of thousands of keys work in one call", async (cache) => {
    const keys = Array.from({ length: 5_000 }, (_, i) => `b:${i}`);
    await cache.hashSet(keys.map((key, i) => ({ key, fields: { n: String(i) } })));
    await cache.indexAdd("b:index", keys.map((member, i) => ({ member, score: i })));
    const read = await cache.hashGetAll(keys);
    assert.equal(read[4_999]!.n, "4999");
    assert.equal((await cache.rangeByScore("b:index", 2_499)).length, 2_500);
    await cache.indexRemove("b:index", keys.slice(0, 2_500));
    assert.equal((await cache.rangeByScore("b:index", Infinity)).length, 2_500);
    await cache.delete(keys);
    assert.deepEqual((await cache.hashGetAll(keys.slice(0, 2)))[0], {});
  }, ["b:index"]);

  Deno.test(`${name} close() is idempotent and works with await using`, async () => {
    const cache = await open();
    await cache.close();
    await cache.close();
    const key = `close:${crypto.randomUUID()}`;
    await assert.rejects(cache.get([key]));
    let escaped: Cache;
    {
      await using other = await open();
      assert.deepEqual(await other.get([key]), [undefined]);
      escaped = other;
    }
    await assert.rejects(escaped.get([key]));
  });
}
