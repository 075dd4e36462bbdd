/**
 * DATABASE_URLs that leave parts out, end to end with the permissions deno.json
 * declares: postgres.js would read PGPORT, PGDATABASE or the OS user for them,
 * which the tasks may not, so libpq's defaults apply and a missing user is refused.
 */
import assert from "node:assert/strict";
import postgres from "postgres";
import { denoTask } from "../_support/deno_task.ts";
import { requireService, testName } from "../_support/services.ts";

Deno.test("e2e: a DATABASE_URL without port or database connects with libpq's defaults", async () => {
  const url = new URL(await requireService("postgres"));
  assert.equal(url.port || "5432", "5432", "this test needs PostgreSQL on its default port 5432");
  const user = decodeURIComponent(url.username);
  const variants = [
    `postgres://${url.username}@${url.hostname}${url.pathname}`, // no port
    `postgres://${url.username}@${url.hostname}:5432`, // no database: the user's
  ];
  const schema = testName("e2e_dburl");
  try {
    for (const databaseUrl of variants) {
      const run = await denoTask(["zones", "--schema", schema, "--json"], {
        env: { DATABASE_URL: databaseUrl },
      });
      assert.equal(run.code, 0, `${databaseUrl}: ${run.stderr}`);
      assert.equal(JSON.parse(run.stdout).zones, 265);
    }
    for (const database of [url.pathname.slice(1), user]) {
      const sql = postgres({ host: url.hostname, port: 5432, user, database, max: 1 });
      try {
        const [row] = await sql`select count(*)::int as n from ${sql(schema)}.zones`;
        assert.equal(row!.n, 265, database);
      } finally {
        await sql.end();
      }
    }
  } finally {
    // Either database may hold the schema, whichever run got that far.
    for (const database of new Set([url.pathname.slice(1), user])) {
      const sql = postgres({ host: url.hostname, port: 5432, user, database, max: 1 });
      await sql.unsafe(`drop schema if exists "${schema}" cascade`).finally(() => sql.end());
    }
  }
});

Deno.test("e2e: a DATABASE_URL without a user is refused in one line", async () => {
  const run = await denoTask(["zones"], {
    env: { DATABASE_URL: "postgres://127.0.0.1:5432/test" },
  });
  assert.equal(run.code, 1, run.stderr);
  assert.equal(
    run.stderr.trim(),
    'zones: CF_CONFIG: Invalid database URL "postgres://127.0.0.1:5432/test": it names no user ' +
      "(write postgres://USER@HOST:PORT/DATABASE)",
  );
});
