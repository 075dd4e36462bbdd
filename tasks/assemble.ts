/**
 * `deno task assemble`: a consumer-group member that rebuilds trips from
 * their events into the store, keeping partial trips in the cache.
 *
 * @module
 */
import type { Command } from "commander";
import { z } from "zod";
import {
  assembleTrips,
  connectionOptions,
  openBus,
  openCache,
  openStore,
  resolveSettings,
  runTask,
  type TaskDefinition,
} from "../mod.ts";

const optionsSchema = z.object({
  args: z.array(z.string()).max(0, "takes no arguments"),
  group: z.string().min(1).default("chillflow-assembler"),
  topicPrefix: z.string().regex(/^[A-Za-z0-9._-]*$/, "letters, digits, . _ - only").default(""),
  partitions: z.coerce.number().int().min(1).max(1000).default(6),
  untilIdle: z.boolean().default(false),
  idleMs: z.coerce.number().int().positive().default(10_000),
  latenessS: z.coerce.number().min(0).default(600),
  timeoutS: z.coerce.number().positive().default(25_200),
  fetchKib: z.coerce.number().int().min(1).max(1_048_576).default(4096),
  databaseUrl: z.string().optional(),
  schema: z.string().optional(),
  kafkaBrokers: z.string().optional(),
  redisUrl: z.string().optional(),
  dataDir: z.string().optional(),
});

/** Options of the assemble task. */
export type AssembleTaskOptions = z.infer<typeof optionsSchema>;

/** The `assemble` task. */
export const assembleTask: TaskDefinition<AssembleTaskOptions> = {
  name: "assemble",
  summary: "Rebuild trips from trip events into the store (consumer group, exactly-once effect)",
  configure: (command: Command) =>
    connectionOptions(
      command
        .option("--group <name>", "consumer group", "chillflow-assembler")
        .option("--topic-prefix <P>", "prefix of the topic names", "")
        .option("--partitions <N>", "partitions of the topics if they do not exist yet", "6")
        .option("--until-idle", "stop once caught up and idle; expire what is still partial")
        .option("--idle-ms <N>", "how long without messages counts as idle", "10000")
        .option("--lateness-s <N>", "watermark: latest event time minus this", "600")
        .option("--timeout-s <N>", "partial trips expire this long behind the watermark", "25200")
        .option(
          "--fetch-kib <N>",
          "Kafka: most KiB one fetch takes per partition; a fetch is one transaction",
          "4096",
        ),
      ["store", "bus", "cache"],
    ),
  options: optionsSchema,
  stopsOnSignal: true,
  async run(options, context) {
    const settings = resolveSettings(options);
    await using store = await openStore(settings);
    await using cache = await openCache(settings);
    await using bus = await openBus(settings, { fetchBytesPerPartition: options.fetchKib * 1024 });
    const bar = context.progress("events");
    let last = 0;
    const summary = await assembleTrips({ store, bus, cache }, {
      group: options.group,
      topicPrefix: options.topicPrefix,
      partitions: options.partitions,
      untilIdle: options.untilIdle,
      idleMs: options.idleMs,
      latenessMs: options.latenessS * 1000,
      timeoutMs: options.timeoutS * 1000,
      signal: context.signal,
      progress: (done) => {
        bar.tick(done - last);
        last = done;
      },
    });
    bar.done();
    return { ...summary };
  },
};

if (import.meta.main) await runTask(assembleTask);
