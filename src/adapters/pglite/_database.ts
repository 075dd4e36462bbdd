import { PGlite } from "@electric-sql/pglite";
import { AsyncLocalStorage } from "node:async_hooks";
import { TEXT_RESULT_OIDS } from "../../store/text_results.ts";

/**
 * One PGlite instance shared by every store open on the same data directory
 * in this process; a file lock keeps other processes out (PGlite does not,
 * and two instances on one directory silently lose writes). PGlite has a
 * single session, so each store switches `search_path` to its schema inside
 * a process-wide lock before running anything.
 */
export interface _Database {
  readonly pg: PGlite;
  readonly lock: Deno.FsFile | undefined;
  /** Key in the registry of shared instances; undefined for a private one. */
  readonly key: string | undefined;
  refs: number;
  searchPath: string | undefined;
  tail: Promise<unknown>;
}

const open = new Map<string, Promise<_Database>>();
// The database whose lock the current async call chain holds.
const holding = new AsyncLocalStorage<_Database>();

const PARSERS = Object.fromEntries(TEXT_RESULT_OIDS.map((oid) => [oid, (raw: string) => raw]));

async function _create(dataDir: string | undefined, key?: string): Promise<_Database> {
  const lock = dataDir === undefined || dataDir.includes("://") ? undefined : await _lock(dataDir);
  try {
    const pg = await PGlite.create(dataDir, { parsers: PARSERS });
    await pg.exec("set TimeZone to 'UTC'");
    return { pg, lock, key, refs: 0, searchPath: undefined, tail: Promise.resolve() };
  } catch (error) {
    lock?.close();
    throw error;
  }
}

/** Locks `<dataDir>.lock`; the OS releases it if the process dies. */
async function _lock(dataDir: string): Promise<Deno.FsFile> {
  // PGlite creates the data directory but not its parents (`.chillflow/pglite`).
  await Deno.mkdir(dataDir, { recursive: true });
  const file = await Deno.open(`${dataDir}.lock`, { create: true, write: true });
  if (!await file.tryLock(true)) {
    file.close();
    throw new Error(
      "another process is using it; stop that process, or set DATABASE_URL to use PostgreSQL",
    );
  }
  return file;
}

/** Opens (or shares) the database; `undefined` means a private in-memory one. */
export async function _acquire(dataDir: string | undefined): Promise<_Database> {
  if (dataDir === undefined) {
    const db = await _create(undefined);
    db.refs++;
    return db;
  }
  // One key per directory, however it is spelled ("a/b", "./a/b", "/abs/a/b").
  const key = dataDir.includes("://") ? dataDir : await _absolute(dataDir);
  let pending = open.get(key);
  if (pending === undefined) {
    pending = _create(dataDir, key);
    open.set(key, pending);
    pending.catch(() => open.delete(key));
  }
  const db = await pending;
  db.refs++;
  return db;
}

/** Drops one reference; the last one closes the instance. */
export async function _release(db: _Database): Promise<void> {
  if (--db.refs > 0) return;
  if (db.key !== undefined) open.delete(db.key);
  try {
    await db.pg.close();
  } finally {
    db.lock?.close();
  }
}

async function _absolute(path: string): Promise<string> {
  await Deno.mkdir(path, { recursive: true });
  return await Deno.realPath(path);
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
