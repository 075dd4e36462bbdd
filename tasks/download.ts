/**
 * `deno task download --type yellow|green --from YYYY-MM [--to YYYY-MM]`:
 * fetches TLC monthly files with progress, resume and completeness checks.
 *
 * @module
 */
import type { Command } from "commander";
import { z } from "zod";
import {
  downloadMonths,
  isPeriod,
  type MonthDownload,
  type Progress,
  runTask,
  type TaskDefinition,
  TLC_BASE_URL,
} from "../mod.ts";

const period = z.string({ error: "is required" }).refine(isPeriod, "must be YYYY-MM");

const optionsSchema = z.object({
  type: z.enum(["yellow", "green"], { error: "must be yellow or green" }),
  from: period,
  to: period.optional(),
  dir: z.string().min(1).default("data"),
  baseUrl: z.url().default(TLC_BASE_URL),
}).refine((o) => !o.to || o.to >= o.from, { message: "--to is before --from", path: ["to"] });

/** Options of the download task. */
export type DownloadTaskOptions = z.infer<typeof optionsSchema>;

/** The `download` task. */
export const downloadTask: TaskDefinition<DownloadTaskOptions> = {
  name: "download",
  summary: "Download TLC monthly Parquet files (resumes partial files, skips complete ones)",
  configure: (command: Command) =>
    command
      .option("--type <type>", "yellow or green (required)")
      .option("--from <YYYY-MM>", "first month (required)")
      .option("--to <YYYY-MM>", "last month (default: --from)")
      .option("--dir <dir>", "target folder", "data")
      .option("--base-url <url>", "folder URL of the files", TLC_BASE_URL),
  options: optionsSchema,
  stopsOnSignal: true,
  async run(options, context) {
    const started = performance.now();
    let bar: Progress | undefined;
    let shown = 0;
    const months = await downloadMonths({
      tripType: options.type,
      from: options.from,
      to: options.to,
      dir: options.dir,
      baseUrl: options.baseUrl,
      signal: context.signal,
      onFile: (file) => {
        bar?.done();
        bar = undefined;
        shown = 0;
        context.log(`${file}: checking`);
      },
      onProgress: (file, received, total) => {
        bar ??= context.progress(`bytes of ${file}`, total);
        bar.tick(Math.max(0, received - shown));
        shown = received;
      },
    });
    bar?.done();
    const seconds = (performance.now() - started) / 1000;
    return {
      files: months.map((m: MonthDownload) => ({ file: m.path, status: m.status, bytes: m.bytes })),
      downloaded: months.filter((m) => m.status !== "skipped").length,
      skipped: months.filter((m) => m.status === "skipped").length,
      seconds: Number(seconds.toFixed(2)),
    };
  },
  render(summary) {
    const files = summary.files as { file: string; status: string; bytes: number }[];
    return files.map((f) => `${f.file}: ${f.status} (${f.bytes.toLocaleString("en-US")} bytes)`)
      .join("\n");
  },
};

if (import.meta.main) await runTask(downloadTask);
