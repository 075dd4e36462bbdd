/**
 * `RedisCache`: the {@linkcode Cache} port on Redis (ioredis). Every call is
 * one pipeline, so a batch of thousands of keys costs one round trip.
 *
 * @module
 */
import type { Redis } from "ioredis";
import { ChillFlowError, redact } from "../../errors.ts";
import { isNetworkDenied, networkDeniedError } from "../net_denied.ts";
import type {
  Cache,
  HashEntry,
  RangeOptions,
  ScoredMember,
  SetOptions,
} from "../../ports/cache.ts";

/** Options of {@linkcode RedisCache.open}. */
export interface RedisCacheOptions {
  /** `redis://[user:password@]host:port[/db]`. */
  url: string;
  /** Prepended to every key and index name, to share one Redis between users. @default "" */
  prefix?: string;
  /** How long to wait for the first connection. @default 5000 */
  connectTimeoutMs?: number;
}

/**
 * A {@linkcode Cache} on a Redis server.
 *
 * @example
 * ```ts ignore
 * import { RedisCache } from "./cache.ts";
 * await using cache = await RedisCache.open({ url: "redis://127.0.0.1:6379", prefix: "cf:" });
 * await cache.hashSet([{ key: "partial:k1", fields: { trip_started: "{}" } }]);
 * ```
 */
export class RedisCache implements Cache {
  /** Always `"redis"`. */
  readonly kind = "redis" as const;
  #client: Redis;
  #prefix: string;
  #url: string;
  #closed = false;

  private constructor(client: Redis, prefix: string, url: string) {
    this.#client = client;
    this.#prefix = prefix;
    this.#url = url;
  }

  /**
   * Connects to Redis.
   *
   * @throws {ChillFlowError} `CF_CACHE_UNREACHABLE` when the server does not answer,
   * `CF_CONFIG` when `--allow-net` refused the connection or the server refused its
   * setup (a database number it does not have).
   */
  static async open(options: RedisCacheOptions): Promise<RedisCache> {
    // Loaded here, not at module load: ioredis' `debug` dependency lists the
    // whole environment when imported, which only tasks run with --ignore-env
    // (or a blanket --allow-env) may do.
    const { Redis } = await import("ioredis");
    const client = new Redis(options.url, {
      lazyConnect: true,
      connectTimeout: options.connectTimeoutMs ?? 5_000,
      maxRetriesPerRequest: 3,
      // Fail fast on the first connect; reconnect later for transient drops.
      retryStrategy: (attempt: number) => attempt > 10 ? null : Math.min(attempt * 200, 2_000),
    });
    // ioredis emits "error" on every failed reconnect; the failing command reports it,
    // except on connect, which says only "Connection is closed.".
    let connectError: unknown;
    client.on("error", (error) => connectError ??= error);
    try {
      await client.connect();
      await client.ping();
    } catch (cause) {
      client.disconnect();
      if (isNetworkDenied(connectError)) {
        throw networkDeniedError("Redis", redact(options.url), connectError);
      }
      throw new ChillFlowError(
        "CF_CACHE_UNREACHABLE",
        `Cannot connect to Redis at "${redact(options.url)}": ${
          redact(cause instanceof Error ? cause.message : String(cause))
        }`,
        { cause, retryable: true },
      );
    }
    // A refused SELECT (a database number out of range) only reaches the "error" event, and
    // the connection goes on in database 0, where another's keys would be read and written.
    if ((connectError as Error | undefined)?.name === "ReplyError") {
      client.disconnect();
      throw new ChillFlowError(
        "CF_CONFIG",
        `Redis at "${redact(options.url)}" refused the connection's setup: ${
          redact((connectError as Error).message)
        }`,
        { cause: connectError },
      );
    }
    return new RedisCache(client, options.prefix ?? "", options.url);
  }

  /** Reads string keys. */
  async get(keys: readonly string[]): Promise<(string | undefined)[]> {
    if (keys.length === 0) return [];
    const values = await this.#call(() => this.#client.mget(keys.map((key) => this.#prefix + key)));
    return values.map((value) => value ?? undefined);
  }

  /** Writes string keys. */
  async set(
    entries: readonly (readonly [string, string])[],
    options: SetOptions = {},
  ): Promise<void> {
    if (entries.length === 0) return;
    const pipeline = this.#client.pipeline();
    if (options.ttlMs === undefined) {
      // MSET: one command per thousand keys instead of one per key.
      for (let i = 0; i < entries.length; i += 1_000) {
        pipeline.mset(
          entries.slice(i, i + 1_000).flatMap(([key, value]) => [this.#prefix + key, value]),
        );
      }
    } else {
      const ttl = Math.max(1, Math.ceil(options.ttlMs));
      for (const [key, value] of entries) pipeline.set(this.#prefix + key, value, "PX", ttl);
    }
    await this.#exec(pipeline);
  }

  /** Reads whole hashes. */
  async hashGetAll(keys: readonly string[]): Promise<Record<string, string>[]> {
    if (keys.length === 0) return [];
    const pipeline = this.#client.pipeline();
    for (const key of keys) pipeline.hgetall(this.#prefix + key);
    return await this.#exec(pipeline) as Record<string, string>[];
  }

  /** Merges fields into hashes. */
  async hashSet(entries: readonly HashEntry[]): Promise<void> {
    const pipeline = this.#client.pipeline();
    let queued = 0;
    for (const { key, fields } of entries) {
      if (Object.keys(fields).length === 0) continue;
      pipeline.hset(this.#prefix + key, fields);
      queued++;
    }
    if (queued > 0) await this.#exec(pipeline);
  }

  /** Deletes keys of any kind. */
  async delete(keys: readonly string[]): Promise<void> {
    if (keys.length === 0) return;
    // UNLINK frees memory in the background; chunks keep each command small.
    const pipeline = this.#client.pipeline();
    for (let i = 0; i < keys.length; i += 1_000) {
      pipeline.unlink(...keys.slice(i, i + 1_000).map((key) => this.#prefix + key));
    }
    await this.#exec(pipeline);
  }

  /** Adds members, keeping the lower score of an existing member (`ZADD LT`). */
  async indexAdd(index: string, members: readonly ScoredMember[]): Promise<void> {
    if (members.length === 0) return;
    const pipeline = this.#client.pipeline();
    for (let i = 0; i < members.length; i += 1_000) {
      const args: (string | number)[] = [];
      for (const { member, score } of members.slice(i, i + 1_000)) args.push(score, member);
      pipeline.zadd(this.#prefix + index, "LT", ...args);
    }
    await this.#exec(pipeline);
  }

  /** Members scored at most `maxScore`, lowest first. */
  async rangeByScore(
    index: string,
    maxScore: number,
    options: RangeOptions = {},
  ): Promise<ScoredMember[]> {
    const max = maxScore === Infinity ? "+inf" : String(maxScore);
    const flat = options.limit === undefined
      ? await this.#call(() =>
        this.#client.zrangebyscore(this.#prefix + index, "-inf", max, "WITHSCORES")
      )
      : await this.#call(() =>
        this.#client.zrangebyscore(
          this.#prefix + index,
          "-inf",
          max,
          "WITHSCORES",
          "LIMIT",
          0,
          options.limit!,
        )
      );
    const members: ScoredMember[] = [];
    for (let i = 0; i < flat.length; i += 2) {
      members.push({ member: flat[i]!, score: Number(flat[i + 1]) });
    }
    return members;
  }

  /** Removes members from a sorted index. */
  async indexRemove(index: string, members: readonly string[]): Promise<void> {
    if (members.length === 0) return;
    const pipeline = this.#client.pipeline();
    for (let i = 0; i < members.length; i += 1_000) {
      pipeline.zrem(this.#prefix + index, ...members.slice(i, i + 1_000));
    }
    await this.#exec(pipeline);
  }

  /** Disconnects; calling it twice is harmless. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    try {
      await this.#client.quit();
    } catch {
      this.#client.disconnect();
    }
  }

  /** Same as {@linkcode RedisCache.close}. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /** Runs a pipeline and returns its replies; its first error is thrown. */
  async #exec(pipeline: ReturnType<Redis["pipeline"]>): Promise<unknown[]> {
    const results = await this.#call(() => pipeline.exec());
    // ioredis gives no results when the connection closed before the pipeline ran.
    if (results === null) throw this.#unreachable("the connection closed", null);
    return results.map(([error, reply]) => {
      if (error !== null) throw this.#lost(error);
      return reply;
    });
  }

  /** Runs a call, reporting a lost connection as `CF_CACHE_UNREACHABLE`. */
  async #call<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      throw this.#lost(error);
    }
  }

  /** The error to throw for `error`: a lost connection becomes `CF_CACHE_UNREACHABLE`. */
  #lost(error: unknown): unknown {
    return _isConnectionLoss(error) ? this.#unreachable((error as Error).message, error) : error;
  }

  #unreachable(why: string, cause: unknown): ChillFlowError {
    return new ChillFlowError(
      "CF_CACHE_UNREACHABLE",
      `Lost the connection to Redis at "${redact(this.#url)}": ${
        redact(why)
      }; start it with "deno task services:up"`,
      { cause, retryable: true },
    );
  }
}

/** ioredis's errors for a connection that closed or could not be restored in time. */
function _isConnectionLoss(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  return error.name === "MaxRetriesPerRequestError" || error.message === "Connection is closed." ||
    /^(ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT)$/.test(String((error as { code?: unknown }).code));
}
