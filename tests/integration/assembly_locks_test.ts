import assert from "node:assert/strict";
import { PostgresStore } from "../../src/adapters/postgres/store.ts";
import { lockPartitions, type PartitionRef } from "../../src/pipelines/_assembly_sql.ts";
import type { Store } from "../../src/ports/store.ts";
import { requireService, testName } from "../_support/services.ts";

const p = (partition: number, topic = "trip-events"): PartitionRef => ({ topic, partition });

/** Holds the locks of `refs` in a transaction until `release` is called. */
async function hold(store: Store, refs: PartitionRef[]) {
  const locked = Promise.withResolvers<void>();
  const release = Promise.withResolvers<void>();
  const done = store.transaction(async (tx) => {
    await lockPartitions(tx, refs);
    locked.resolve();
    await release.promise;
  });
  done.catch(locked.reject);
  await locked.promise;
  return { release: () => release.resolve(), done };
}

/** Whether `work` settles within `ms`. */
async function settlesWithin(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<false>((resolve) => timer = setTimeout(() => resolve(false), ms));
  const result = await Promise.race([work.then(() => true), late]);
  clearTimeout(timer);
  return result;
}

/**
 * Waits until some transaction waits for an advisory lock, so a test knows
 * that a round reached PostgreSQL and is blocked, rather than not started.
 */
async function someoneWaits(store: Store): Promise<boolean> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const [row] = await store.query<{ n: number }>(
      "select count(*)::int as n from pg_locks where locktype = 'advisory' and not granted",
    );
    if (row!.n > 0) return true;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return false;
}

Deno.test("integration: lockPartitions() makes rounds of one partition take turns and lets others through", async () => {
  const schema = testName();
  const url = await requireService("postgres");
  await using store = await PostgresStore.open({ url, schema, max: 4 });
  await using otherSchema = await PostgresStore.open({ url, schema: `${schema}_b`, max: 2 });
  try {
    const first = await hold(store, [p(0), p(0, "trip-rejects")]);
    const lock = (s: Store, refs: PartitionRef[]) =>
      s.transaction((tx) => lockPartitions(tx, refs));
    assert.ok(
      await settlesWithin(lock(store, [p(1)]), 2_000),
      "a round of another partition had to wait",
    );
    assert.ok(await settlesWithin(lock(store, [p(0, "other-topic")]), 2_000));
    assert.ok(
      await settlesWithin(lock(otherSchema, [p(0)]), 2_000),
      "a round of another schema had to wait",
    );
    const same = lock(store, [p(0)]);
    assert.ok(await someoneWaits(otherSchema), "a round of the same partition did not wait");
    assert.equal(await settlesWithin(same, 100), false, "a round of the same partition went on");
    first.release();
    await first.done;
    assert.ok(await settlesWithin(same, 2_000));
  } finally {
    await store.exec(`drop schema "${schema}" cascade; drop schema "${schema}_b" cascade`);
  }
});

Deno.test("integration: lockPartitions() takes its locks in (topic, partition) order, whatever the round's order", async () => {
  const schema = testName();
  await using store = await PostgresStore.open({
    url: await requireService("postgres"),
    schema,
    max: 4,
  });
  try {
    const zero = await hold(store, [p(0)]);
    // Asked for 1 then 0: it must wait for 0 before it holds 1, or it could
    // deadlock with a round that holds 1 and waits for 0.
    const both = store.transaction((tx) => lockPartitions(tx, [p(1), p(0), p(1)]));
    assert.ok(await someoneWaits(store), "a round asking for a held partition did not wait");
    const one = store.transaction((tx) => lockPartitions(tx, [p(1)]));
    assert.ok(await settlesWithin(one, 2_000), "partition 1 was taken before partition 0");
    zero.release();
    await zero.done;
    assert.ok(await settlesWithin(both, 2_000));
  } finally {
    await store.exec(`drop schema "${schema}" cascade`);
  }
});
