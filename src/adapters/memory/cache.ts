/**
 * `MemoryCache`: the {@linkcode Cache} port in process memory, for the
 * embedded mode and unit tests. State is lost when the process ends.
 *
 * @module
 */
import type {
  Cache,
  HashEntry,
  RangeOptions,
  ScoredMember,
  SetOptions,
} from "../../ports/cache.ts";

type Value =
  | { kind: "string"; value: string; expiresAt: number }
  | { kind: "hash"; value: Map<string, string> }
  | { kind: "index"; value: Map<string, number> };

/**
 * An in-memory {@linkcode Cache}.
 *
 * @example
 * ```ts
 * import { MemoryCache } from "./cache.ts";
 * import assert from "node:assert";
 * await using cache = await MemoryCache.open();
 * await cache.set([["a", "1"]]);
 * assert.deepEqual(await cache.get(["a", "b"]), ["1", undefined]);
 * ```
 */
export class MemoryCache implements Cache {
  /** Always `"memory"`. */
  readonly kind = "memory" as const;
  #data = new Map<string, Value>();
  #closed = false;

  /** Opens an empty cache. */
  static open(): Promise<MemoryCache> {
    return Promise.resolve(new MemoryCache());
  }

  /** Reads string keys. */
  get(keys: readonly string[]): Promise<(string | undefined)[]> {
    if (this.#closed) return _closed();
    const now = Date.now();
    return Promise.resolve(keys.map((key) => {
      const entry = this.#data.get(key);
      if (entry?.kind !== "string") return undefined;
      if (entry.expiresAt <= now) {
        this.#data.delete(key);
        return undefined;
      }
      return entry.value;
    }));
  }

  /** Writes string keys. */
  set(entries: readonly (readonly [string, string])[], options: SetOptions = {}): Promise<void> {
    if (this.#closed) return _closed();
    const expiresAt = options.ttlMs === undefined ? Infinity : Date.now() + options.ttlMs;
    for (const [key, value] of entries) this.#data.set(key, { kind: "string", value, expiresAt });
    return Promise.resolve();
  }

  /** Reads whole hashes. */
  hashGetAll(keys: readonly string[]): Promise<Record<string, string>[]> {
    if (this.#closed) return _closed();
    return Promise.resolve(keys.map((key) => {
      const entry = this.#data.get(key);
      return entry?.kind === "hash" ? Object.fromEntries(entry.value) : {};
    }));
  }

  /** Merges fields into hashes. */
  hashSet(entries: readonly HashEntry[]): Promise<void> {
    if (this.#closed) return _closed();
    for (const { key, fields } of entries) {
      const hash = this.#hash(key);
      for (const [field, value] of Object.entries(fields)) hash.set(field, value);
    }
    return Promise.resolve();
  }

  /** Deletes keys of any kind. */
  delete(keys: readonly string[]): Promise<void> {
    if (this.#closed) return _closed();
    for (const key of keys) this.#data.delete(key);
    return Promise.resolve();
  }

  /** Adds members, keeping the lower score of an existing member. */
  indexAdd(index: string, members: readonly ScoredMember[]): Promise<void> {
    if (this.#closed) return _closed();
    if (members.length === 0) return Promise.resolve();
    const sorted = this.#index(index);
    for (const { member, score } of members) {
      const current = sorted.get(member);
      if (current === undefined || score < current) sorted.set(member, score);
    }
    return Promise.resolve();
  }

  /** Members scored at most `maxScore`, lowest first. */
  rangeByScore(
    index: string,
    maxScore: number,
    options: RangeOptions = {},
  ): Promise<ScoredMember[]> {
    if (this.#closed) return _closed();
    const entry = this.#data.get(index);
    if (entry?.kind !== "index") return Promise.resolve([]);
    const found: ScoredMember[] = [];
    for (const [member, score] of entry.value) if (score <= maxScore) found.push({ member, score });
    // Redis orders equal scores by member, byte-wise.
    found.sort((a, b) => a.score - b.score || (a.member < b.member ? -1 : 1));
    return Promise.resolve(found.slice(0, options.limit ?? found.length));
  }

  /** Removes members from a sorted index. */
  indexRemove(index: string, members: readonly string[]): Promise<void> {
    if (this.#closed) return _closed();
    const entry = this.#data.get(index);
    if (entry?.kind === "index") {
      for (const member of members) entry.value.delete(member);
      if (entry.value.size === 0) this.#data.delete(index);
    }
    return Promise.resolve();
  }

  /** Drops all state; calling it twice is harmless. */
  close(): Promise<void> {
    this.#closed = true;
    this.#data.clear();
    return Promise.resolve();
  }

  /** Same as {@linkcode MemoryCache.close}. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  #hash(key: string): Map<string, string> {
    const entry = this.#slot(key, "hash");
    if (entry?.kind === "hash") return entry.value;
    const value = new Map<string, string>();
    this.#data.set(key, { kind: "hash", value });
    return value;
  }

  #index(key: string): Map<string, number> {
    const entry = this.#slot(key, "index");
    if (entry?.kind === "index") return entry.value;
    const value = new Map<string, number>();
    this.#data.set(key, { kind: "index", value });
    return value;
  }

  /** The entry at `key` when it has `kind` or is free to take; throws on a type clash. */
  #slot(key: string, kind: Value["kind"]): Value | undefined {
    const entry = this.#data.get(key);
    if (entry === undefined || entry.kind === kind) return entry;
    if (entry.kind === "string" && entry.expiresAt <= Date.now()) return undefined;
    throw new TypeError(`Cannot use key "${key}" as a ${kind}: it holds a ${entry.kind}`);
  }
}

/** A closed cache refuses calls as the Redis adapter does: with a rejected promise, not a throw. */
function _closed(): Promise<never> {
  return Promise.reject(new Error("Cannot use the cache: it is closed"));
}
