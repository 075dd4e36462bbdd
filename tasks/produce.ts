/**
 * `deno task produce <file.parquet>`: replays a TLC file as trip events on the
 * bus (Kafka, or the embedded file bus), in event-time order, with optional
 * seeded disorder for testing the assembler.
 *
 * @module
 */
import type { Command } from "commander";
import { z } from "zod";
import {
  connectionOptions,
  isPeriod,
  openBus,
  produceEvents,
  type Progress,
  resolveSettings,
  runTask,
  type TaskDefinition,
} from "../mod.ts";

const rate = z.coerce.number().min(0).max(1);
const optionsSchema = z.object({
  args: z.array(z.string()).length(1, "give exactly one Parquet file"),
  period: z.string().refine(isPeriod, "must be YYYY-MM").optional(),
  tripType: z.enum(["yellow", "green"]).optional(),
  speed: z.coerce.number().positive().optional(),
  partitions: z.coerce.number().int().min(1).max(1000).optional(),
  topicPrefix: z.string().regex(/^[A-Za-z0-9._-]*$/, "letters, digits, . _ - only").default(""),
  shuffleWindow: z.coerce.number().min(0).default(0),
  duplicateRate: rate.default(0),
  lateRate: rate.default(0),
  lateBy: z.coerce.number().min(0).default(0),
  dropRate: rate.default(0),
  // The seed generator keeps 32 bits: a larger seed would repeat a smaller one's replay.
  seed: z.coerce.number().int().min(0).max(2 ** 32 - 1).default(1),
  compression: z.enum(["none", "gzip"]).default("none"),
  kafkaBrokers: z.string().optional(),
  dataDir: z.string().optional(),
}).refine((o) => o.lateRate === 0 || o.lateBy > 0, {
  message: "--late-rate needs --late-by (seconds above 0)",
  path: ["lateBy"],
});

/** Options of the produce task. */
export type ProduceTaskOptions = z.infer<typeof optionsSchema>;

/** The `produce` task. */
export const produceTask: TaskDefinition<ProduceTaskOptions> = {
  name: "produce",
  summary: "Replay a TLC Parquet file as trip events (event-time order, optional disorder)",
  configure: (command: Command) =>
    connectionOptions(
      command
        .argument("<file>", "Parquet file (*_tripdata_YYYY-MM.parquet)")
        .option(
          "--period <YYYY-MM>",
          "period of a file whose name holds none (default: from the name; one it contradicts is refused)",
        )
        .option(
          "--trip-type <type>",
          "yellow or green, for a file whose columns and name do not tell",
        )
        .option("--speed <N>", "replay at N x real time (default: as fast as possible)")
        .option(
          "--partitions <N>",
          "partitions of the topics it creates (default 6); an existing topic with another count is refused",
        )
        .option("--topic-prefix <P>", "prefix of the topic names", "")
        .option("--shuffle-window <seconds>", "bounded out-of-order: delay events up to this", "0")
        .option(
          "--duplicate-rate <R>",
          "share of events sent twice (the copy at its own time within 60 s or the shuffle window of the event time, before or after the original)",
          "0",
        )
        .option("--late-rate <R>", "share of payment_processed events sent late", "0")
        .option("--late-by <seconds>", "how late a late payment is (needed by --late-rate)", "0")
        .option("--drop-rate <R>", "share of trips that lose one event", "0")
        .option("--seed <S>", "seed of the disorder choices, 0 to 4294967295", "1")
        .option("--compression <codec>", "Kafka: none or gzip (for a slow network)", "none"),
      ["bus"],
    ),
  options: optionsSchema,
  stopsOnSignal: true,
  async run(options, context) {
    await using bus = await openBus(resolveSettings(options), {
      compression: options.compression,
    });
    const file = options.args[0]!;
    // Rows while the file is read; events from the first publish, when their total is known.
    let reading: Progress | undefined;
    let read = 0;
    let bar: Progress | undefined;
    let last = 0;
    const summary = await produceEvents(bus, file, {
      period: options.period,
      tripType: options.tripType,
      speed: options.speed,
      partitions: options.partitions,
      topicPrefix: options.topicPrefix,
      shuffleWindowMs: options.shuffleWindow * 1000,
      duplicateRate: options.duplicateRate,
      lateRate: options.lateRate,
      lateByMs: options.lateBy * 1000,
      dropRate: options.dropRate,
      seed: options.seed,
      signal: context.signal,
      readProgress: (rows, total) => {
        reading ??= context.progress(`rows of ${file.split("/").at(-1)}`, total);
        reading.tick(rows - read);
        read = rows;
      },
      progress: (done, total) => {
        reading?.done();
        bar ??= context.progress("events", total);
        bar.tick(done - last);
        last = done;
      },
    });
    reading?.done();
    bar?.done();
    return { ...summary };
  },
  render: (s) =>
    `${s.file} (${s.tripType} ${s.period ?? "pickup months"}): ${s.rowsRead} rows, ` +
    `${s.accepted} accepted -> ${s.events} events (${s.duplicated} duplicated, ${s.late} late, ` +
    `${s.dropped} trips with a dropped event), ` +
    `${(s.rowsRead as number) - (s.accepted as number)} rejects, ` +
    `${(s.seconds as number).toFixed(1)} s, ${s.eventsPerSecond} events/s` +
    (s.interrupted ? " (interrupted)" : ""),
};

if (import.meta.main) await runTask(produceTask);
