import assert from "node:assert/strict";
import { PostgresStore } from "../../src/adapters/postgres/store.ts";
import { storeSuite } from "../ports/store_suite.ts";
import { requireService, testName } from "../_support/services.ts";

const open = async (schema: string, max?: number) =>
  PostgresStore.open({ url: await requireService("postgres"), schema, max });

storeSuite("integration: PostgresStore", (schema) => open(schema));

async function* badZoneRows(): AsyncGenerator<string> {
  yield "1\tB\tZ\tS\n";
  yield "oops\tB\tZ\tS\n";
}

Deno.test("integration: PostgresStore binds search_path on every pooled connection", async () => {
  const schema = testName();
  await using store = await open(schema, 4);
  try {
    const rows = await Promise.all(
      Array.from({ length: 12 }, () =>
        store.query<{ s: string; pid: number }>(
          "select current_schema() as s, pg_backend_pid() as pid from pg_sleep(0.05)",
        )),
    );
    assert.deepEqual(new Set(rows.map(([r]) => r.s)), new Set([schema]));
    assert.ok(new Set(rows.map(([r]) => r.pid)).size > 1, "queries should use several connections");
  } finally {
    await store.exec(`drop schema "${schema}" cascade`);
  }
});

Deno.test("integration: PostgresStore rolls back and frees the connection when COPY data fails", async () => {
  const schema = testName();
  await using store = await open(schema, 1);
  try {
    await assert.rejects(
      store.transaction((tx) =>
        tx.copyIn("zones", ["location_id", "borough", "zone", "service_zone"], badZoneRows())
      ),
      /invalid input syntax/,
    );
    // With max 1, a connection left "idle in transaction" would make this hang.
    const [row] = await store.query<{ n: number }>(
      `select count(*)::int as n from pg_stat_activity
        where pid = pg_backend_pid() and state = 'active'`,
    );
    assert.equal(row.n, 1);
    assert.deepEqual(await store.query("select * from zones"), []);
  } finally {
    await store.exec(`drop schema "${schema}" cascade`);
  }
});

Deno.test("integration: PostgresStore.open() reports an unreachable server without the password", async () => {
  await assert.rejects(
    PostgresStore.open({ url: "postgres://cf:s3cret@127.0.0.1:1/test", schema: "cf_unused" }),
    (error: Error & { code?: string }) => {
      assert.equal(error.code, "CF_STORE_UNREACHABLE");
      assert.match(error.message, /postgres:\/\/cf:\*\*\*@127\.0\.0\.1:1\/test/);
      assert.match(error.message, /deno task services:up/);
      assert.doesNotMatch(error.message, /s3cret/);
      return true;
    },
  );
});
