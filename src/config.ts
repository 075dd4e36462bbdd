/**
 * Connection settings from flags and the environment. A service whose URL is
 * unset runs embedded: PGlite for the store, the file bus, the memory cache.
 *
 * @module
 */
import { z } from "zod";
import { ChillFlowError } from "./errors.ts";

/** Where each port connects; an absent URL selects the embedded adapter. */
export interface ConnectionSettings {
  /** PostgreSQL URL (`DATABASE_URL`); absent = embedded PGlite. */
  databaseUrl?: string;
  /** Kafka bootstrap brokers (`KAFKA_BROKERS`, comma-separated); absent = embedded file bus. */
  kafkaBrokers?: string[];
  /** Redis URL (`REDIS_URL`); absent = in-memory cache. */
  redisUrl?: string;
  /** PostgreSQL schema holding the tables (`CHILLFLOW_SCHEMA`). @default "chillflow" */
  schema: string;
  /** Folder of embedded state (`CHILLFLOW_DATA_DIR`). @default ".chillflow" */
  dataDir: string;
}

/** Flags that override the environment; each is optional. */
export interface ConnectionFlags {
  /** `--database-url`: PostgreSQL URL; wins over `DATABASE_URL`. */
  databaseUrl?: string;
  /** `--kafka-brokers`: comma-separated `host:port` list; wins over `KAFKA_BROKERS`. */
  kafkaBrokers?: string;
  /** `--redis-url`: Redis URL; wins over `REDIS_URL`. */
  redisUrl?: string;
  /** `--schema`: PostgreSQL schema of the tables; wins over `CHILLFLOW_SCHEMA`. */
  schema?: string;
  /** `--data-dir`: folder of embedded state; wins over `CHILLFLOW_DATA_DIR`. */
  dataDir?: string;
}

const schemaName = z.string().regex(
  /^[a-z_][a-z0-9_]{0,62}$/,
  "must be a lowercase SQL identifier (letters, digits, _)",
);

const settingsSchema = z.object({
  databaseUrl: z.string().regex(/^postgres(ql)?:\/\//, "must start with postgres://").optional(),
  kafkaBrokers: z.array(z.string().regex(/^[^\s:/]+:\d+$/, "must be host:port")).min(1).optional(),
  redisUrl: z.string().regex(/^rediss?:\/\//, "must start with redis://").optional(),
  schema: schemaName,
  dataDir: z.string().min(1),
});

function readEnv(name: string): string | undefined {
  const value = Deno.env.get(name)?.trim();
  return value ? value : undefined;
}

/**
 * Resolves connection settings: a flag wins over its environment variable;
 * empty values count as unset. Never echoes a URL in an error, since URLs may
 * carry passwords.
 *
 * @param flags Values given on the command line.
 * @returns Validated settings.
 * @throws {ChillFlowError} `CF_CONFIG` when a value is malformed.
 *
 * @example Flags win over the environment
 * ```ts
 * import { resolveSettings } from "./config.ts";
 * import assert from "node:assert";
 * const settings = resolveSettings({
 *   databaseUrl: "postgres://app@db.internal:5432/taxi",
 *   kafkaBrokers: "k1:9092,k2:9092",
 *   schema: "batch",
 *   dataDir: ".chillflow",
 * });
 * assert.equal(settings.databaseUrl, "postgres://app@db.internal:5432/taxi");
 * assert.deepEqual(settings.kafkaBrokers, ["k1:9092", "k2:9092"]);
 * assert.equal(settings.schema, "batch");
 * ```
 */
export function resolveSettings(flags: ConnectionFlags = {}): ConnectionSettings {
  const brokers = flags.kafkaBrokers || readEnv("KAFKA_BROKERS");
  const candidate = {
    databaseUrl: flags.databaseUrl || readEnv("DATABASE_URL"),
    kafkaBrokers: brokers ? brokers.split(",").map((b) => b.trim()).filter(Boolean) : undefined,
    redisUrl: flags.redisUrl || readEnv("REDIS_URL"),
    schema: flags.schema || readEnv("CHILLFLOW_SCHEMA") || "chillflow",
    dataDir: flags.dataDir || readEnv("CHILLFLOW_DATA_DIR") || ".chillflow",
  };
  const parsed = settingsSchema.safeParse(candidate);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ChillFlowError(
      "CF_CONFIG",
      `Cannot use setting "${issue.path.join(".")}": ${issue.message}`,
    );
  }
  const settings: ConnectionSettings = { schema: parsed.data.schema, dataDir: parsed.data.dataDir };
  if (parsed.data.databaseUrl) settings.databaseUrl = parsed.data.databaseUrl;
  if (parsed.data.kafkaBrokers) settings.kafkaBrokers = parsed.data.kafkaBrokers;
  if (parsed.data.redisUrl) settings.redisUrl = parsed.data.redisUrl;
  return settings;
}
