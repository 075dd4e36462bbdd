/**
 * Shared setup of the stream integration tests: real PostgreSQL, Kafka and
 * Redis; unique schemas, topic prefixes and groups; a batch reference schema.
 *
 * @module
 */
import assert from "node:assert/strict";
import { KafkaBus } from "../../src/adapters/kafka/bus.ts";
import type { KafkaBusOptions } from "../../src/adapters/kafka/options.ts";
import { PostgresStore } from "../../src/adapters/postgres/store.ts";
import { RedisCache } from "../../src/adapters/redis/cache.ts";
import { aggregateKpis } from "../../src/pipelines/aggregate_kpis.ts";
import { ingestFile } from "../../src/pipelines/ingest_month.ts";
import { streamTopics } from "../../src/pipelines/stream_topics.ts";
import { verifySchemas } from "../../src/pipelines/verify.ts";
import { GREEN_2024_01, repoPath } from "../_support/fixtures.ts";
import { requireService, testName } from "../_support/services.ts";
import { taskCommand } from "../_support/task_command.ts";

/** Everything one stream test uses, cleaned by `close()`. */
export interface StreamWorld {
  url: string;
  brokers: string;
  redisUrl: string;
  /** Schema the stream path writes. */
  schema: string;
  /** Schema {@linkcode loadBatch} writes: the reference. */
  batchSchema: string;
  topicPrefix: string;
  group: string;
  store: PostgresStore;
  bus: KafkaBus;
  cache: RedisCache;
  /** Assemblers started by {@linkcode spawnAssembler}: `close()` kills any still running. */
  children: Set<Deno.ChildProcess>;
  close(): Promise<void>;
}

/** Opens the services with fresh names. */
export async function openWorld(
  label: string,
  busOptions: Partial<KafkaBusOptions> = {},
): Promise<StreamWorld> {
  const url = await requireService("postgres");
  const brokers = await requireService("kafka");
  const redisUrl = await requireService("redis");
  const schema = testName(label);
  const topicPrefix = `${schema}_`;
  const group = `${schema}_group`;
  const store = await PostgresStore.open({ url, schema });
  const dropSchemas = async () => {
    await store.exec(`drop schema if exists "${schema}" cascade`);
    await store.exec(`drop schema if exists "${schema}_batch" cascade`);
  };
  let bus: KafkaBus | undefined;
  let cache: RedisCache;
  try {
    bus = await KafkaBus.open({ ...busOptions, brokers: brokers.split(",") });
    cache = await RedisCache.open({ url: redisUrl });
  } catch (error) {
    // Nothing of a world that could not open is left behind.
    await bus?.close().catch(() => {});
    await dropSchemas().finally(() => store.close());
    throw error;
  }
  const children = new Set<Deno.ChildProcess>();
  return {
    url,
    brokers,
    redisUrl,
    schema,
    batchSchema: `${schema}_batch`,
    topicPrefix,
    group,
    store,
    bus,
    cache,
    children,
    async close() {
      // A failed test must not leave an assembler writing into what is dropped next.
      await Promise.all([...children].map(_kill));
      const topics = streamTopics(topicPrefix);
      await bus.deleteTopics([topics.events, topics.rejects, topics.dlq]).catch(() => {});
      try {
        await _deleteRedisKeys(redisUrl, `chillflow:${schema}:*`);
      } finally {
        await dropSchemas();
        await Promise.allSettled([bus.close(), cache.close(), store.close()]);
      }
    },
  };
}

async function _kill(child: Deno.ChildProcess): Promise<void> {
  try {
    child.kill("SIGKILL");
  } catch {
    // Already exited.
  }
  await child.status;
  for (const stream of [child.stdout, child.stderr]) {
    if (!stream.locked) await stream.cancel();
  }
}

/** Deletes every key matching `pattern`: partial trips, indexes and watermarks of a test. */
async function _deleteRedisKeys(url: string, pattern: string): Promise<void> {
  const { Redis } = await import("ioredis");
  const client = new Redis(url);
  try {
    for await (const keys of client.scanStream({ match: pattern, count: 1000 })) {
      if ((keys as string[]).length > 0) await client.del(...(keys as string[]));
    }
  } finally {
    await client.quit();
  }
}

/** Loads green 2024-01 through the batch path (with KPIs) into the world's batch schema. */
export async function loadBatch(world: StreamWorld): Promise<void> {
  const store = await PostgresStore.open({ url: world.url, schema: world.batchSchema });
  try {
    await ingestFile(store, GREEN_2024_01);
    await aggregateKpis(store, { period: "2024-01" });
  } finally {
    await store.close();
  }
}

/** Asserts the stream schema equals the batch schema (trips, rejects, KPIs). */
export async function assertSameAsBatch(world: StreamWorld): Promise<void> {
  const report = await verifySchemas(world.store, { left: world.batchSchema, right: world.schema });
  assert.ok(report.equal, JSON.stringify(report.tables, null, 1));
  assert.equal(report.tables[0]!.rightRows, 55_913);
  assert.equal(report.tables[1]!.rightRows, 638);
}

/** Counts rows of a table of the world's schema. */
export async function count(world: StreamWorld, table: string): Promise<number> {
  const [row] = await world.store.query<{ n: number }>(`select count(*)::int as n from ${table}`);
  return row!.n;
}

/** Starts `deno task assemble` as a subprocess with the task's own permissions. */
export function spawnAssembler(world: StreamWorld, extra: string[] = []): Deno.ChildProcess {
  const task = taskCommand("assemble");
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      ...task.args,
      "--schema",
      world.schema,
      "--topic-prefix",
      world.topicPrefix,
      "--group",
      world.group,
      "--json",
      ...extra,
    ],
    cwd: repoPath("."),
    env: {
      ...task.env,
      DATABASE_URL: world.url,
      KAFKA_BROKERS: world.brokers,
      REDIS_URL: world.redisUrl,
    },
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  world.children.add(child);
  return child;
}

/** Waits for a child and returns its exit code and output. */
export async function finish(
  child: Deno.ChildProcess,
): Promise<{ code: number; signal: Deno.Signal | null; stdout: string; stderr: string }> {
  const out = await child.output();
  const decoder = new TextDecoder();
  return {
    code: out.code,
    signal: out.signal,
    stdout: decoder.decode(out.stdout),
    stderr: decoder.decode(out.stderr),
  };
}
