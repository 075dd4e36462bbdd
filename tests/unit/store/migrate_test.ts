import assert from "node:assert/strict";
import { PgliteStore } from "../../../src/adapters/pglite/store.ts";
import type { SqlClient } from "../../../src/ports/store.ts";
import { migrate } from "../../../src/store/migrate.ts";
import { type Migration, MIGRATIONS } from "../../../src/store/migrations.ts";
import { testName } from "../../_support/services.ts";

const store = await PgliteStore.open({ dataDir: "memory://migrate_test", schema: "keeper" });

const M1: Migration = { version: 1, name: "one", sql: "create table one (id int)" };
const M2: Migration = { version: 2, name: "two", sql: "create table two (id int)" };
const BAD: Migration = { version: 3, name: "bad", sql: "create table broken (id nosuchtype)" };

const tables = async (schema: string) =>
  (await store.query<{ name: string }>(
    "select tablename as name from pg_tables where schemaname = $1 order by 1",
    [schema],
  )).map((t) => t.name);

Deno.test("MIGRATIONS are numbered 1, 2, ... with unique names", () => {
  assert.deepEqual(MIGRATIONS.map((m) => m.version), MIGRATIONS.map((_, i) => i + 1));
  assert.equal(new Set(MIGRATIONS.map((m) => m.name)).size, MIGRATIONS.length);
});

Deno.test("migrate() creates the schema and applies only missing versions", async () => {
  const schema = testName();
  assert.deepEqual(await store.transaction((tx) => migrate(tx, schema, { migrations: [M1] })), [1]);
  assert.deepEqual(await store.transaction((tx) => migrate(tx, schema, { migrations: [M1, M2] })), [
    2,
  ]);
  assert.deepEqual(
    await store.transaction((tx) => migrate(tx, schema, { migrations: [M1, M2] })),
    [],
  );
  assert.deepEqual(await tables(schema), ["one", "schema_migrations", "two"]);
  assert.deepEqual(
    await store.query(`select version, name from "${schema}".schema_migrations order by 1`),
    [{ version: 1, name: "one" }, { version: 2, name: "two" }],
  );
  // The caller's search path is untouched once the transaction ends.
  assert.deepEqual(await store.query("select current_schema() as s"), [{ s: "keeper" }]);
});

Deno.test("migrate() leaves nothing behind when a migration fails", async () => {
  const schema = testName();
  await assert.rejects(
    store.transaction((tx) => migrate(tx, schema, { migrations: [M1, M2, BAD] })),
    /type "nosuchtype" does not exist/,
  );
  assert.deepEqual(
    await store.query("select 1 from pg_namespace where nspname = $1", [schema]),
    [],
  );
  await store.transaction((tx) => migrate(tx, schema, { migrations: [M1] }));
  await assert.rejects(
    store.transaction((tx) => migrate(tx, schema, { migrations: [M1, M2, BAD] })),
  );
  assert.deepEqual(await tables(schema), ["one", "schema_migrations"]);
});

Deno.test("migrate() refuses a schema migrated by a newer ChillFlow", async () => {
  const schema = testName();
  await store.transaction((tx) => migrate(tx, schema, { migrations: [M1, M2] }));
  await assert.rejects(store.transaction((tx) => migrate(tx, schema, { migrations: [M1] })), {
    name: "ChillFlowError",
    code: "CF_STORE",
    message: `Cannot use schema "${schema}": it has migration version 2 from a newer ChillFlow`,
  });
});

Deno.test("migrate() rejects an invalid schema name before running any SQL", async () => {
  const statements: string[] = [];
  const recording: SqlClient = {
    query: (sql) => (statements.push(sql), Promise.resolve([])),
    exec: (sql) => (statements.push(sql), Promise.resolve()),
    copyIn: (table) => (statements.push(`copy ${table}`), Promise.resolve(0)),
  };
  await assert.rejects(migrate(recording, 'x"; drop table zones; --', { migrations: [M1] }), {
    code: "CF_CONFIG",
  });
  assert.deepEqual(statements, []);
});

Deno.test("migrate() with create false refuses a schema that does not exist, and migrates one that does", async () => {
  await assert.rejects(store.transaction((tx) => migrate(tx, "typo", { create: false })), {
    name: "ChillFlowError",
    code: "CF_CONFIG",
    message: /Schema "typo" does not exist/,
  });
  const [missing] = await store.query<{ n: number }>(
    "select count(*)::int as n from pg_namespace where nspname = 'typo'",
  );
  assert.equal(missing!.n, 0, "nothing created");
  await store.exec("create schema kept");
  assert.deepEqual(
    await store.transaction((tx) => migrate(tx, "kept", { create: false, migrations: [M1] })),
    [1],
  );
});
