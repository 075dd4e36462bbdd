/**
 * `deno task synth --like <file.parquet> --rows N --period YYYY-MM --out <file.parquet>`:
 * writes a realistic TLC month of any size, with every reject reason in known numbers.
 *
 * @module
 */
import type { Command } from "commander";
import { z } from "zod";
import { isPeriod, runTask, synthMonth, type TaskDefinition } from "../mod.ts";

const required = { error: "is required" };
const count = (what: string) =>
  z.coerce.number(required).int(`${what} must be a whole number`).positive(
    `${what} must be positive`,
  );

const optionsSchema = z.object({
  like: z.string(required).min(1),
  rows: count("--rows"),
  period: z.string(required).refine(isPeriod, "must be YYYY-MM"),
  out: z.string(required).min(1),
  seed: z.string().default("chillflow"),
  rowGroupRows: count("--row-group-rows").default(250_000),
  rejectRate: z.coerce.number().min(0).max(1).default(0.01),
  tripType: z.enum(["yellow", "green"]).optional(),
});

/** Options of the synth task. */
export type SynthTaskOptions = z.infer<typeof optionsSchema>;

/** The `synth` task. */
export const synthTask: TaskDefinition<SynthTaskOptions> = {
  name: "synth",
  summary: "Write a synthetic TLC month of any size by resampling a real file, with known rejects",
  configure: (command: Command) =>
    command
      .option("--like <file>", "real TLC Parquet file whose clean rows are resampled (required)")
      .option("--rows <n>", "rows to write (required)")
      .option("--period <YYYY-MM>", "month the pickups fall in (required)")
      .option("--out <file>", "output Parquet file (required)")
      .option("--seed <text>", "random seed; the same seed gives the same file", "chillflow")
      .option(
        "--row-group-rows <n>",
        "rows per row group (peak memory grows with it: ~0.7 GB at 250000)",
        "250000",
      )
      .option("--reject-rate <share>", "share of rows given a reject reason (0..1)", "0.01")
      .option("--trip-type <type>", "yellow or green (default: the --like file's)"),
  options: optionsSchema,
  async run(options, context) {
    const started = performance.now();
    const bar = context.progress("rows written", options.rows);
    let last = 0;
    const summary = await synthMonth({
      ...options,
      onProgress: (rows) => {
        bar.tick(rows - last);
        last = rows;
      },
    });
    bar.done();
    const seconds = (performance.now() - started) / 1000;
    return {
      ...summary,
      seconds: Number(seconds.toFixed(2)),
      rowsPerSecond: Math.round(summary.rows / seconds),
    };
  },
};

if (import.meta.main) await runTask(synthTask);
