import { PGlite } from "@electric-sql/pglite";
import { AsyncLocalStorage } from "node:async_hooks";
import { TEXT_RESULT_OIDS } from "../../store/text_results.ts";

/**
 * One PGlite instance shared by every store open on the same data directory
 * in this process (two instances on one directory would corrupt it). PGlite
 * has a single session, so each store switches `search_path` to its schema
 * inside a process-wide lock before running anything.
 */
export interface _Database {
  readonly pg: PGlite;
  refs: number;
  searchPath: string | undefined;
  tail: Promise<unknown>;
}

const open = new Map<string, Promise<_Database>>();
// The database whose lock the current async call chain holds.
const holding = new AsyncLocalStorage<_Database>();

const PARSERS = Object.fromEntries(TEXT_RESULT_OIDS.map((oid) => [oid, (raw: string) => raw]));

async function _create(dataDir: string | undefined): Promise<_Database> {
  // PGlite creates the data directory but not its parents (`.chillflow/pglite`).
  if (dataDir !== undefined && !dataDir.includes("://")) {
    await Deno.mkdir(dataDir, { recursive: true });
  }
  const pg = await PGlite.create(dataDir, { parsers: PARSERS });
  await pg.exec("set TimeZone to 'UTC'");
  return { pg, refs: 0, searchPath: undefined, tail: Promise.resolve() };
}

/** Opens (or shares) the database; `undefined` means a private in-memory one. */
export async function _acquire(dataDir: string | undefined): Promise<_Database> {
  if (dataDir === undefined) {
    const db = await _create(undefined);
    db.refs++;
    return db;
  }
  let pending = open.get(dataDir);
  if (pending === undefined) {
    pending = _create(dataDir);
    open.set(dataDir, pending);
    pending.catch(() => open.delete(dataDir));
  }
  const db = await pending;
  db.refs++;
  return db;
}

/** Drops one reference; the last one closes the instance. */
export async function _release(db: _Database, dataDir: string | undefined): Promise<void> {
  if (--db.refs > 0) return;
  if (dataDir !== undefined) open.delete(dataDir);
  await db.pg.close();
}

/** Runs `fn` alone on the database, with `search_path` set to `schema`. */
export function _exclusive<T>(db: _Database, schema: string, fn: () => Promise<T>): Promise<T> {
  if (holding.getStore() === db) {
    // Waiting for our own lock would hang forever: fail loudly instead.
    return Promise.reject(
      new Error("Cannot use a PgliteStore inside a transaction on its database: use the tx client"),
    );
  }
  const run = async (): Promise<T> => {
    const path = `"${schema}"`;
    if (db.searchPath !== path) {
      await db.pg.exec(`set search_path to ${path}`);
      db.searchPath = path;
    }
    return await holding.run(db, fn);
  };
  const result = db.tail.then(run, run);
  db.tail = result.catch(() => {});
  return result;
}
