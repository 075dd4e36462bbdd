/**
 * Wiring: picks an adapter per port from the settings. This is the only module
 * that imports adapters, and it imports each lazily, so a task loads (and needs
 * permissions for) only the drivers it uses.
 *
 * @module
 */
import type { KafkaBusOptions } from "./adapters/kafka/options.ts";
import type { ConnectionSettings } from "./config.ts";
import type { Bus } from "./ports/bus.ts";
import type { Cache } from "./ports/cache.ts";
import type { Store } from "./ports/store.ts";
import type { MigrateOnOpen } from "./store/migrate.ts";

/**
 * Opens the store: PostgreSQL when `databaseUrl` is set, else embedded PGlite
 * under `<dataDir>/pglite`. Migrations run on open unless `migrate` is false
 * (a task that only reads other schemas, such as verify); `"existing"` refuses
 * a schema that does not exist (a task that only reads and derives, such as
 * aggregate, where a mistyped name would create an empty schema).
 *
 * @example
 * ```ts ignore
 * await using store = await openStore(resolveSettings());
 * ```
 */
export async function openStore(
  settings: ConnectionSettings,
  options: { migrate?: MigrateOnOpen } = {},
): Promise<Store> {
  const { schema } = settings;
  if (settings.databaseUrl) {
    const { PostgresStore } = await import("./adapters/postgres/store.ts");
    return await PostgresStore.open({ url: settings.databaseUrl, schema, ...options });
  }
  const { PgliteStore } = await import("./adapters/pglite/store.ts");
  return await PgliteStore.open({ dataDir: `${settings.dataDir}/pglite`, schema, ...options });
}

/**
 * Opens the bus: Kafka when `kafkaBrokers` is set, else the embedded file bus
 * under `<dataDir>/bus`, which separate processes share.
 *
 * @example
 * ```ts ignore
 * await using bus = await openBus(resolveSettings());
 * ```
 */
export async function openBus(
  settings: ConnectionSettings,
  tuning: BusTuning = {},
): Promise<Bus> {
  if (settings.kafkaBrokers) {
    const { KafkaBus } = await import("./adapters/kafka/bus.ts");
    return await KafkaBus.open({
      brokers: settings.kafkaBrokers,
      maxBytesPerPartition: tuning.fetchBytesPerPartition,
      compression: tuning.compression,
    });
  }
  const { FileBus } = await import("./adapters/file_bus/bus.ts");
  return await FileBus.open({ dir: `${settings.dataDir}/bus` });
}

/** Settings of {@linkcode openBus} that only some adapters have. */
export interface BusTuning {
  /** Kafka: most bytes one fetch takes from one partition (the size of a round). */
  fetchBytesPerPartition?: number;
  /** Kafka: compression of published batches. @default "none" */
  compression?: KafkaBusOptions["compression"];
}

/**
 * Opens the cache: Redis when `redisUrl` is set, else an in-memory cache that
 * lives as long as the process.
 *
 * @example
 * ```ts ignore
 * await using cache = await openCache(resolveSettings());
 * ```
 */
export async function openCache(settings: ConnectionSettings): Promise<Cache> {
  if (settings.redisUrl) {
    const { RedisCache } = await import("./adapters/redis/cache.ts");
    return await RedisCache.open({ url: settings.redisUrl });
  }
  const { MemoryCache } = await import("./adapters/memory/cache.ts");
  return await MemoryCache.open();
}
