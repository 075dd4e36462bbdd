import assert from "node:assert/strict";
import { PgliteStore } from "../../../../src/adapters/pglite/store.ts";
import { storeSuite } from "../../../ports/store_suite.ts";
import { testName } from "../../../_support/services.ts";

// One in-memory database for the whole file: creating a PGlite instance takes
// seconds, and the isolation test needs two schemas in the same database.
const DATA_DIR = "memory://store_test";
const keeper = await PgliteStore.open({ dataDir: DATA_DIR, schema: "keeper" });

storeSuite("PgliteStore", (schema) => PgliteStore.open({ dataDir: DATA_DIR, schema }));

Deno.test("PgliteStore.open() rejects an invalid schema name with CF_CONFIG", async () => {
  await assert.rejects(
    PgliteStore.open({ dataDir: DATA_DIR, schema: "Bad-Name" }),
    { name: "ChillFlowError", code: "CF_CONFIG" },
  );
});

Deno.test("PgliteStore fails a store call made inside its own transaction instead of hanging", async () => {
  await using store = await PgliteStore.open({ dataDir: DATA_DIR, schema: testName() });
  await assert.rejects(
    store.transaction(() => store.query("select 1")),
    /inside a transaction on its database: use the tx client/,
  );
  const other = await PgliteStore.open({ dataDir: DATA_DIR, schema: testName() });
  await assert.rejects(store.transaction(() => other.exec("select 1")), /use the tx client/);
  await other.close();
  assert.deepEqual(await store.query("select 1 as one"), [{ one: 1 }]);
  await store.exec(`drop schema "${store.schema}" cascade`);
});

Deno.test("PgliteStore shares a dataDir until its last store closes", async () => {
  await keeper.exec("insert into zones values (1, 'B', 'Z', 'S')");
  const second = await PgliteStore.open({ dataDir: DATA_DIR, schema: "keeper" });
  assert.deepEqual(await second.query("select location_id from zones"), [{ location_id: 1 }]);
  await second.close();
  await keeper.close();
  await keeper.close();
  await assert.rejects(keeper.query("select 1"), /closed/);
  const fresh = await PgliteStore.open({ dataDir: DATA_DIR, schema: "keeper" });
  try {
    assert.deepEqual(await fresh.query("select location_id from zones"), []);
  } finally {
    await fresh.close();
  }
});

Deno.test("PgliteStore keeps its data in a dataDir, shared however the path is spelled", async () => {
  const dir = await Deno.makeTempDir({ prefix: "cf_pglite_" });
  const schema = testName();
  try {
    const first = await PgliteStore.open({ dataDir: `${dir}/db`, schema });
    await first.exec("insert into zones values (5, 'B', 'Z', 'S')");
    const same = await PgliteStore.open({ dataDir: `${dir}/./db/`, schema });
    assert.deepEqual(await same.query("select location_id from zones"), [{ location_id: 5 }]);
    await same.close();
    await first.close();
    await using again = await PgliteStore.open({ dataDir: `${dir}/db`, schema });
    assert.deepEqual(await again.query("select location_id from zones"), [{ location_id: 5 }]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("PgliteStore refuses a dataDir locked by another process", async () => {
  const dir = await Deno.makeTempDir({ prefix: "cf_pglite_" });
  // A second open file description conflicts like another process's lock would.
  const held = await Deno.open(`${dir}/db.lock`, { create: true, write: true });
  try {
    assert.ok(await held.tryLock(true));
    await assert.rejects(PgliteStore.open({ dataDir: `${dir}/db`, schema: "x" }), {
      code: "CF_STORE",
      message: `Cannot open the embedded database in "${dir}/db": another process is using it; ` +
        "stop that process, or set DATABASE_URL to use PostgreSQL",
    });
  } finally {
    held.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("PgliteStore.open() with migrate 'existing' refuses a missing schema and creates nothing", async () => {
  const dataDir = `memory://existing_${crypto.randomUUID()}`;
  await using keeper = await PgliteStore.open({ dataDir, schema: "kept" });
  await assert.rejects(PgliteStore.open({ dataDir, schema: "typo", migrate: "existing" }), {
    code: "CF_CONFIG",
    message: /Schema "typo" does not exist/,
  });
  const names = await keeper.query<{ n: number }>(
    "select count(*)::int as n from pg_namespace where nspname = 'typo'",
  );
  assert.deepEqual(names, [{ n: 0 }]);
  await using kept = await PgliteStore.open({ dataDir, schema: "kept", migrate: "existing" });
  assert.deepEqual(await kept.query("select count(*)::int as n from trips"), [{ n: 0 }]);
});
