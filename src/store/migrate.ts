/**
 * Applies {@linkcode MIGRATIONS} to one schema. Both Store adapters call it
 * from `open()`, inside one transaction: a crash leaves the previous version.
 *
 * @module
 */

import { ChillFlowError } from "../errors.ts";
import type { SqlClient, Store } from "../ports/store.ts";
import { type Migration, MIGRATIONS } from "./migrations.ts";
import { validateSchemaName } from "./sql_identifier.ts";

/** Options of {@linkcode migrate}. */
export interface MigrateOptions {
  /** Create the schema when it does not exist; `false` refuses it instead. @default true */
  create?: boolean;
  /** The migrations, in version order. @default MIGRATIONS (all of ChillFlow's) */
  migrations?: readonly Migration[];
}

/**
 * Creates the schema if missing and applies the migrations it has not recorded.
 * Must run inside a transaction: the transaction-scoped advisory lock makes two
 * processes opening the same schema at once apply each version exactly once.
 *
 * @param tx A client inside an open transaction.
 * @param schema The schema to migrate.
 * @param options Whether a missing schema is created, and the migrations to apply.
 * @returns The versions applied by this call (empty when already up to date).
 * @throws {ChillFlowError} `CF_STORE` when the schema records a version this code does not
 * know, or holds tables but no `schema_migrations`; `CF_CONFIG` when it does not exist and
 * `create` is false.
 *
 * @example Migrate inside a transaction
 * ```ts ignore
 * const applied = await store.transaction((tx) => migrate(tx, "chillflow"));
 * ```
 */
export async function migrate(
  tx: SqlClient,
  schema: string,
  { create = true, migrations = MIGRATIONS }: MigrateOptions = {},
): Promise<number[]> {
  const quoted = `"${validateSchemaName(schema)}"`;
  await tx.query("select pg_advisory_xact_lock(hashtext($1))", [`chillflow.migrate.${schema}`]);
  // `create schema if not exists` needs the right to create schemas even when it exists:
  // a user given a schema of its own, and nothing more, could not open it.
  const [found] = await tx.query<{ tables: number | null }>(
    `select (select count(*)::int from pg_class c where c.relnamespace = n.oid and c.relkind = 'r')
            as tables
       from pg_namespace n where n.nspname = $1`,
    [schema],
  );
  if (found === undefined) {
    if (!create) {
      throw new ChillFlowError(
        "CF_CONFIG",
        `Schema "${schema}" does not exist: load a month into it first (deno task ingest ` +
          `--schema ${schema}), or check its name`,
      );
    }
    await tx.exec(`create schema ${quoted}`);
  }
  // Set here rather than trusting the connection, so migrations land in `schema` on any client.
  await tx.exec(`set local search_path to ${quoted}`);
  const [registry] = await tx.query<{ present: boolean }>(
    "select to_regclass('schema_migrations') is not null as present",
  );
  if (!registry!.present && (found?.tables ?? 0) > 0) {
    throw new ChillFlowError(
      "CF_STORE",
      `Cannot use schema "${schema}": it holds tables ChillFlow did not make ` +
        "(no schema_migrations); choose another --schema",
    );
  }
  await tx.exec(
    `create table if not exists schema_migrations (
       version int primary key, name text not null, applied_at timestamptz not null default now()
     );`,
  );
  const rows = await tx.query<{ version: number }>("select version from schema_migrations");
  const recorded = new Set(rows.map((row) => row.version));
  const known = new Set(migrations.map((m) => m.version));
  const unknown = [...recorded].filter((v) => !known.has(v));
  if (unknown.length > 0) {
    throw new ChillFlowError(
      "CF_STORE",
      `Cannot use schema "${schema}": it has migration version ${
        Math.max(...unknown)
      } from a newer ChillFlow`,
    );
  }
  const applied: number[] = [];
  for (const migration of migrations) {
    if (recorded.has(migration.version)) continue;
    await tx.exec(migration.sql);
    await tx.query("insert into schema_migrations (version, name) values ($1, $2)", [
      migration.version,
      migration.name,
    ]);
    applied.push(migration.version);
  }
  return applied;
}

/**
 * What a store does with its schema when it opens: create it if missing and
 * migrate it (`true`), migrate only a schema that exists, refusing a missing
 * one (`"existing"`), or leave the database as it is (`false`).
 */
export type MigrateOnOpen = boolean | "existing";

/**
 * Migrates `schema` in one transaction of `store`, as `mode` asks.
 *
 * @param store The store being opened.
 * @param schema Its schema.
 * @param mode What to do with the schema. @default true
 * @returns Whether migrations ran (false for `mode` false).
 * @throws {ChillFlowError} As {@linkcode migrate}.
 *
 * @example
 * ```ts ignore
 * if (!await migrateOnOpen(store, "chillflow", options.migrate)) await store.query("select 1");
 * ```
 */
export async function migrateOnOpen(
  store: Pick<Store, "transaction">,
  schema: string,
  mode: MigrateOnOpen = true,
): Promise<boolean> {
  if (mode === false) return false;
  await store.transaction((tx) => migrate(tx, schema, { create: mode !== "existing" }));
  return true;
}
