/**
 * The Store adapter for embedded PostgreSQL (PGlite): the whole pipeline runs
 * with nothing installed.
 *
 * @module
 */

import type { Transaction } from "@electric-sql/pglite";
import { ChillFlowError } from "../../errors.ts";
import type { SqlClient, Store } from "../../ports/store.ts";
import { type MigrateOnOpen, migrateOnOpen } from "../../store/migrate.ts";
import { validateSchemaName } from "../../store/sql_identifier.ts";
import { _copyIn } from "./_copy.ts";
import { _acquire, type _Database, _exclusive, _release } from "./_database.ts";

/** Options of {@linkcode PgliteStore.open}. */
export interface PgliteStoreOptions {
  /**
   * Data directory (e.g. `.chillflow/pglite`), or `memory://name` for an
   * in-memory database shared by the stores of this process that use the same
   * name. `undefined` gives a private in-memory database (tests).
   */
  dataDir?: string;
  /** Schema every unqualified name resolves to; created and migrated on open. */
  schema: string;
  /**
   * Create and migrate the schema on open; `"existing"` migrates only a schema
   * that exists (refusing a missing one); `false` leaves the database as it is.
   * @default true
   */
  migrate?: MigrateOnOpen;
}

/**
 * A {@linkcode Store} on an embedded PGlite database. Stores on the same
 * `dataDir` share one instance and take turns (PGlite has one session).
 * `bigint`, `numeric`, `date` and timestamp results come back as text, as
 * with `PostgresStore` (see `src/store/text_results.ts`).
 *
 * Inside {@linkcode PgliteStore.transaction}, use the `tx` client only: the
 * store itself waits for the transaction to end.
 *
 * @example Open an in-memory store
 * ```ts ignore
 * import { PgliteStore } from "./store.ts";
 * await using store = await PgliteStore.open({ schema: "chillflow" });
 * const [row] = await store.query<{ n: number }>("select count(*)::int as n from zones");
 * ```
 */
export class PgliteStore implements Store {
  /** Always `"pglite"`. */
  readonly kind = "pglite" as const;
  /** The schema every unqualified name resolves to. */
  readonly schema: string;
  #db: _Database;
  #closing: Promise<void> | undefined;

  private constructor(db: _Database, schema: string) {
    this.#db = db;
    this.schema = schema;
  }

  /**
   * Opens (or shares) the embedded database, creates the schema if missing and
   * applies pending migrations.
   *
   * @param options Data directory and schema.
   * @returns The open store.
   * @throws {ChillFlowError} `CF_CONFIG` for a bad schema name, `CF_STORE` when
   * the data directory cannot be opened.
   */
  static async open(options: PgliteStoreOptions): Promise<PgliteStore> {
    const schema = validateSchemaName(options.schema);
    let db: _Database;
    try {
      db = await _acquire(options.dataDir);
    } catch (error) {
      throw new ChillFlowError(
        "CF_STORE",
        `Cannot open the embedded database in "${options.dataDir}": ${(error as Error).message}`,
        { cause: error },
      );
    }
    const store = new PgliteStore(db, schema);
    try {
      await migrateOnOpen(store, schema, options.migrate);
    } catch (error) {
      await store.close();
      throw error;
    }
    return store;
  }

  /** Runs one statement with `$1..$n` parameters and returns its rows. */
  query<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<T[]> {
    return this.#run(async () => (await this.#db.pg.query<T>(sql, params as unknown[])).rows);
  }

  /** Runs one or more statements without parameters. */
  exec(sql: string): Promise<void> {
    return this.#run(async () => {
      await this.#db.pg.exec(sql);
    });
  }

  /** Loads COPY text chunks into `table` in one transaction; returns the number of rows. */
  copyIn(
    table: string,
    columns: readonly string[],
    chunks: AsyncIterable<string>,
  ): Promise<number> {
    return this.transaction((tx) => tx.copyIn(table, columns, chunks));
  }

  /** Runs `fn` in one transaction; other users of the database wait for it. */
  transaction<T>(fn: (tx: SqlClient) => Promise<T>): Promise<T> {
    return this.#run(() => this.#db.pg.transaction((tx) => fn(_client(tx))));
  }

  /** Releases the database; the last store on it closes the instance. */
  close(): Promise<void> {
    this.#closing ??= this.#run(() => Promise.resolve()).then(
      () => _release(this.#db),
    );
    return this.#closing;
  }

  /** Same as {@linkcode PgliteStore.close}, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  #run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.#closing) return Promise.reject(new Error("Cannot use a closed PgliteStore"));
    return _exclusive(this.#db, this.schema, fn);
  }
}

function _client(tx: Transaction): SqlClient {
  return {
    async query<T>(sql: string, params: readonly unknown[] = []): Promise<T[]> {
      return (await tx.query<T>(sql, params as unknown[])).rows;
    },
    async exec(sql: string): Promise<void> {
      await tx.exec(sql);
    },
    copyIn: (table, columns, chunks) => _copyIn(tx, table, columns, chunks),
  };
}
