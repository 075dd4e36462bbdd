/**
 * The `Cache` port: a small key-value store for the assembler's partial trips.
 * Every call works on many keys at once, so an adapter can serve it in one
 * round trip (Redis pipelines). Adapters: `RedisCache` (shared between
 * processes, survives restarts) and `MemoryCache` (embedded mode, tests).
 *
 * @module
 */

/** Fields of one hash to merge into the cache. */
export interface HashEntry {
  /** Key of the hash; a missing hash is created. */
  key: string;
  /** Field name -> value; existing fields not named here are kept. */
  fields: Record<string, string>;
}

/** A member of a sorted index and its score. */
export interface ScoredMember {
  /** The member, unique within its index. */
  member: string;
  /** Orders the index: {@linkcode Cache.rangeByScore} returns members up to a score. */
  score: number;
}

/** Options of {@linkcode Cache.set}. */
export interface SetOptions {
  /** Time to live in milliseconds; unset means no expiry. */
  ttlMs?: number;
}

/** Options of {@linkcode Cache.rangeByScore}. */
export interface RangeOptions {
  /** At most this many members, lowest scores first. @default unlimited */
  limit?: number;
}

/**
 * Batched strings, hashes and sorted indexes.
 *
 * @example Keep partial state and an expiry index
 * ```ts ignore
 * await cache.hashSet([{ key: "partial:k1", fields: { trip_started: "{}" } }]);
 * await cache.indexAdd("expiry", [{ member: "k1", score: 1_000 }]);
 * const due = await cache.rangeByScore("expiry", 2_000);
 * await cache.delete(due.map((d) => `partial:${d.member}`));
 * ```
 */
export interface Cache extends AsyncDisposable {
  /** Which adapter serves this cache. */
  readonly kind: "redis" | "memory";
  /** Reads string keys; a missing or expired key gives `undefined`. */
  get(keys: readonly string[]): Promise<(string | undefined)[]>;
  /** Writes string keys. */
  set(entries: readonly (readonly [string, string])[], options?: SetOptions): Promise<void>;
  /** Reads whole hashes; a missing key gives an empty object. */
  hashGetAll(keys: readonly string[]): Promise<Record<string, string>[]>;
  /** Merges fields into hashes. */
  hashSet(entries: readonly HashEntry[]): Promise<void>;
  /** Deletes keys of any kind; missing keys are ignored. */
  delete(keys: readonly string[]): Promise<void>;
  /** Adds members to a sorted index; an existing member keeps the lower of its two scores. */
  indexAdd(index: string, members: readonly ScoredMember[]): Promise<void>;
  /** Members whose score is at most `maxScore`, lowest first. */
  rangeByScore(index: string, maxScore: number, options?: RangeOptions): Promise<ScoredMember[]>;
  /** Removes members from a sorted index; missing members are ignored. */
  indexRemove(index: string, members: readonly string[]): Promise<void>;
  /** Closes connections; calling it twice is harmless. */
  close(): Promise<void>;
}
