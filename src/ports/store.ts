/**
 * The `Store` port: a PostgreSQL-dialect SQL database bound to one schema.
 * Adapters: `PostgresStore` (postgres.js, a real server) and `PgliteStore`
 * (embedded PostgreSQL). All ChillFlow SQL is written once, against this port.
 *
 * @module
 */

/** A connection (or transaction) that runs SQL in the store's schema. */
export interface SqlClient {
  /**
   * Runs one statement with `$1..$n` parameters and returns its rows.
   * Cast columns in SQL (`::text`, `::float8`) where both adapters must agree
   * on the JavaScript type: drivers differ for `numeric`, `bigint` and dates.
   */
  query<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<T[]>;
  /** Runs one or more statements without parameters (DDL, migrations). */
  exec(sql: string): Promise<void>;
  /**
   * Bulk-loads rows with `COPY table (columns) FROM STDIN` in PostgreSQL text
   * format. Each chunk holds whole lines, each ending in `\n`.
   * Returns the number of rows copied.
   */
  copyIn(table: string, columns: readonly string[], chunks: AsyncIterable<string>): Promise<number>;
}

/**
 * A database bound to one schema, migrated when opened.
 *
 * @example Run a query
 * ```ts ignore
 * const store: Store = await openStore(resolveSettings()); // DATABASE_URL, CHILLFLOW_SCHEMA, ...
 * const [row] = await store.query<{ n: number }>("select count(*)::int as n from trips");
 * await store.close();
 * ```
 */
export interface Store extends SqlClient, AsyncDisposable {
  /** The schema every unqualified name resolves to. */
  readonly schema: string;
  /** Which adapter serves this store. */
  readonly kind: "postgres" | "pglite";
  /** Runs `fn` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(fn: (tx: SqlClient) => Promise<T>): Promise<T>;
  /** Closes connections; calling it twice is harmless. */
  close(): Promise<void>;
}
