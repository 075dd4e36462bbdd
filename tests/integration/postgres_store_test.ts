import assert from "node:assert/strict";
import { PostgresStore } from "../../src/adapters/postgres/store.ts";
import { storeSuite } from "../ports/store_suite.ts";
import { requireService, testName } from "../_support/services.ts";

const open = async (schema: string, max?: number, migrate?: boolean | "existing") =>
  PostgresStore.open({ url: await requireService("postgres"), schema, max, migrate });

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
    // With max 1, a connection kept by the failed transaction would make this wait
    // forever, and one handed back inside it would start no transaction of its own.
    let timer: ReturnType<typeof setTimeout> | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error("the only connection was not freed")), 5_000);
    });
    try {
      const [row] = await Promise.race([
        store.query<{ fresh: boolean }>(
          `select xact_start = query_start as fresh from pg_stat_activity
            where pid = pg_backend_pid()`,
        ),
        deadline,
      ]);
      assert.equal(row.fresh, true);
    } finally {
      clearTimeout(timer);
    }
    assert.deepEqual(await store.query("select * from zones"), []);
  } finally {
    await store.exec(`drop schema "${schema}" cascade`);
  }
});

Deno.test("integration: PostgresStore reports a lost connection, then reconnects in its schema", async () => {
  const schema = testName();
  await using store = await open(schema, 1);
  try {
    await assert.rejects(store.query("select pg_terminate_backend(pg_backend_pid())"), {
      code: "CF_STORE_UNREACHABLE",
      retryable: true,
    });
    // The dying connection may fail a query sent right after; the pool then reconnects.
    let rows: unknown[] = [];
    for (let attempt = 0; attempt < 20; attempt++) {
      try {
        rows = await store.query("select current_schema() as s");
        break;
      } catch (error) {
        assert.equal((error as { code?: string }).code, "CF_STORE_UNREACHABLE");
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
    assert.deepEqual(rows, [{ s: schema }]);
  } finally {
    await store.exec(`drop schema "${schema}" cascade`);
  }
});

Deno.test("integration: PostgresStore returns exact rows after a query failed mid-result", async () => {
  const schema = testName();
  await using store = await open(schema, 1);
  try {
    await assert.rejects(
      store.query("select 1 / (3 - g) as x from generate_series(1, 5) g"),
      /division by zero/,
    );
    assert.deepEqual(await store.query("select 42 as y"), [{ y: 42 }]);
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

Deno.test("integration: PostgresStore opens a schema its user owns without the right to create schemas, and reports a missing right as CF_STORE", async () => {
  const url = await requireService("postgres");
  const role = testName();
  await using admin = await open(testName());
  await admin.exec(
    `create role "${role}" login; create schema "${role}" authorization "${role}"`,
  );
  const limited = new URL(url);
  limited.username = role;
  try {
    // A schema of its own, as an administrator hands one out: the user can create nothing else.
    await using store = await PostgresStore.open({ url: limited.href, schema: role });
    assert.deepEqual(await store.query("select count(*)::int as n from trips"), [{ n: 0 }]);
    await assert.rejects(
      PostgresStore.open({ url: limited.href, schema: `${role}_other` }),
      (error: Error & { code?: string }) => {
        assert.equal(error.code, "CF_STORE");
        assert.match(error.message, /may not do this: permission denied for database/);
        return true;
      },
    );
  } finally {
    await admin.exec(`drop schema "${role}" cascade; drop role "${role}"`);
    await admin.exec(`drop schema "${admin.schema}" cascade`);
  }
});

Deno.test("integration: PostgresStore refuses a schema that holds tables ChillFlow did not make", async () => {
  const schema = testName();
  await using admin = await open(testName());
  await admin.exec(`create schema "${schema}"; create table "${schema}".zones (id int)`);
  try {
    await assert.rejects(open(schema), (error: Error & { code?: string }) => {
      assert.equal(error.code, "CF_STORE");
      assert.match(error.message, /holds tables ChillFlow did not make/);
      return true;
    });
  } finally {
    await admin.exec(`drop schema "${schema}" cascade; drop schema "${admin.schema}" cascade`);
  }
});

Deno.test("integration: PostgresStore.open() reports a URL query setting the server does not know as CF_CONFIG", async () => {
  const url = new URL(await requireService("postgres"));
  url.searchParams.set("sslmod", "require");
  await assert.rejects(
    PostgresStore.open({ url: url.href, schema: "cf_unused", migrate: false }),
    (error: Error & { code?: string }) => {
      assert.equal(error.code, "CF_CONFIG");
      assert.match(error.message, /unrecognized configuration parameter "sslmod"/);
      return true;
    },
  );
});

Deno.test("integration: PostgresStore.open() with migrate 'existing' refuses a missing schema and creates nothing", async () => {
  const schema = testName();
  await using admin = await open(testName());
  try {
    await assert.rejects(open(schema, undefined, "existing"), {
      code: "CF_CONFIG",
      message: new RegExp(`Schema "${schema}" does not exist`),
    });
    const names = await admin.query<{ n: number }>(
      "select count(*)::int as n from pg_namespace where nspname = $1",
      [schema],
    );
    assert.deepEqual(names, [{ n: 0 }]);
  } finally {
    await admin.exec(`drop schema "${admin.schema}" cascade`);
  }
});
