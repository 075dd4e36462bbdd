import assert from "node:assert/strict";
import { PostgresStore } from "../../src/adapters/postgres/store.ts";
import { requireService, testName } from "../_support/services.ts";
import { ALL_TYPES, assembleRound, batch, origin, world } from "../unit/pipelines/_round_world.ts";

Deno.test("integration: a round redelivered after its commit is written again on PostgreSQL: nothing is stored twice", async () => {
  const schema = testName();
  await using store = await PostgresStore.open({ url: await requireService("postgres"), schema });
  await using w = await world(store);
  const { partials, context } = w;
  try {
    assert.equal((await assembleRound(context, [batch(0, ALL_TYPES)])).completed, 1);
    const again = await assembleRound(context, [batch(0, ALL_TYPES)]);
    assert.deepEqual([again.completed, again.duplicates], [0, 3]);
    const [trips] = await store.query<{ n: number }>("select count(*)::int as n from trips");
    assert.equal(trips!.n, 1);
    assert.deepEqual(await partials.load([origin.tripKey]), []);
  } finally {
    await store.exec(`drop schema "${schema}" cascade`);
  }
});
