/**
 * The Store adapter for a real PostgreSQL server, using postgres.js.
 *
 * @module
 */

import postgres from "postgres";
import { ChillFlowError, redact } from "../../errors.ts";
import type { SqlClient, Store } from "../../ports/store.ts";
import { migrateOnOpen } from "../../store/migrate.ts";
import { validateSchemaName } from "../../store/sql_identifier.ts";
import { _copyIn } from "./_copy.ts";
import { _toStoreError } from "./_errors.ts";
import { clientOptions, type PostgresStoreOptions } from "./options.ts";

/**
 * A {@linkcode Store} on a PostgreSQL server: a connection pool whose every
 * connection has `search_path` bound to the store's schema. `bigint`,
 * `numeric`, `date` and timestamp results come back as text (see
 * `src/store/text_results.ts`).
 *
 * @example Open, query, close
 * ```ts ignore
 * import { PostgresStore } from "./store.ts";
 * await using store = await PostgresStore.open({
 *   url: "postgres://postgres@127.0.0.1:5432/test",
 *   schema: "chillflow",
 * });
 * const [row] = await store.query<{ n: number }>("select count(*)::int as n from zones");
 * ```
 */
export class PostgresStore implements Store {
  /** Always `"postgres"`. */
  readonly kind = "postgres" as const;
  /** The schema every unqualified name resolves to. */
  readonly schema: string;
  #sql: postgres.Sql;
  #url: string;
  #client: SqlClient;
  #closing: Promise<void> | undefined;

  private constructor(sql: postgres.Sql, url: string, schema: string) {
    this.#sql = sql;
    this.#url = url;
    this.schema = schema;
    this.#client = _client(sql, url);
  }

  /**
   * Connects, creates the schema if missing and applies pending migrations.
   *
   * @param options URL, schema and pool size.
   * @returns The open store.
   * @throws {ChillFlowError} `CF_CONFIG` for a bad URL or schema name,
   * `CF_STORE_UNREACHABLE` when the server cannot be reached or refuses the login.
   */
  static async open(options: PostgresStoreOptions): Promise<PostgresStore> {
    const schema = validateSchemaName(options.schema);
    let sql: postgres.Sql;
    try {
      sql = postgres(options.url, clientOptions({ ...options, schema }));
    } catch (error) {
      throw new ChillFlowError(
        "CF_CONFIG",
        `Invalid database URL "${redact(options.url)}": ${(error as Error).message}`,
        { cause: error },
      );
    }
    const store = new PostgresStore(sql, options.url, schema);
    try {
      // Without migrations, connect anyway, so an unreachable server fails here.
      if (!await migrateOnOpen(store, schema, options.migrate)) await store.query("select 1");
    } catch (error) {
      await store.close();
      throw error;
    }
    return store;
  }

  /** Runs one statement with `$1..$n` parameters and returns its rows. */
  query<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<T[]> {
    return this.#client.query<T>(sql, params);
  }

  /** Runs one or more statements without parameters. */
  exec(sql: string): Promise<void> {
    return this.#client.exec(sql);
  }

  /** Streams COPY text chunks into `table`; returns the number of rows. */
  copyIn(
    table: string,
    columns: readonly string[],
    chunks: AsyncIterable<string>,
  ): Promise<number> {
    return this.#client.copyIn(table, columns, chunks);
  }

  /** Runs `fn` in one transaction on one pooled connection. */
  transaction<T>(fn: (tx: SqlClient) => Promise<T>): Promise<T> {
    const url = this.#url;
    return _mapped(
      url,
      async () =>
        await this.#sql.begin((tx) => fn(_client(tx as unknown as postgres.Sql, url))) as T,
    );
  }

  /** Ends every pooled connection, waiting up to 5 s for running queries. */
  close(): Promise<void> {
    this.#closing ??= this.#sql.end({ timeout: 5 });
    return this.#closing;
  }

  /** Same as {@linkcode PostgresStore.close}, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

function _client(sql: postgres.Sql, url: string): SqlClient {
  return {
    query: <T>(text: string, params: readonly unknown[] = []) =>
      _mapped(url, async () => {
        const rows = await sql.unsafe(text, params as postgres.ParameterOrJSON<never>[]);
        // A plain array, like PGlite's, so results compare equal across adapters. forEach
        // skips holes: after a query fails mid-result, postgres.js 3.4.9 starts the next
        // result on that connection at a stale offset (porsager/postgres#1119).
        const plain: T[] = [];
        rows.forEach((row) => plain.push(row as T));
        return plain;
      }),
    exec: (text) =>
      _mapped(url, async () => {
        await sql.unsafe(text).simple();
      }),
    copyIn: (table, columns, chunks) => _mapped(url, () => _copyIn(sql, table, columns, chunks)),
  };
}

/** Runs `fn`, turning a lost or refused connection, or a server out of room, into a `ChillFlowError`. */
async function _mapped<T>(url: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw _toStoreError(error, url);
  }
}
