/**
 * `deno task ingest <file.parquet>...`: loads TLC Parquet files through the
 * batch path (curation, `trips`, `rejected_trips`, `load_audit`).
 *
 * @module
 */
import type { Command } from "commander";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import {
  connectionOptions,
  CURATION_REASONS,
  ensureZones,
  ingestFile,
  type IngestSummary,
  isPeriod,
  openStore,
  type Progress,
  type ReasonCounts,
  resolveSettings,
  runTask,
  type TaskDefinition,
  zeroReasonCounts,
} from "../mod.ts";

/** The zone lookup loaded when the `zones` table is empty. */
const ZONES_CSV = fileURLToPath(new URL("../data/taxi_zone_lookup.csv", import.meta.url));

const optionsSchema = z.object({
  args: z.array(z.string()).min(1, "give at least one Parquet file"),
  period: z.string().refine(isPeriod, "must be YYYY-MM").optional(),
  tripType: z.enum(["yellow", "green"]).optional(),
  databaseUrl: z.string().optional(),
  schema: z.string().optional(),
  dataDir: z.string().optional(),
});

/** Options of the ingest task. */
export type IngestTaskOptions = z.infer<typeof optionsSchema>;

/** The `ingest` task. */
export const ingestTask: TaskDefinition<IngestTaskOptions> = {
  name: "ingest",
  summary: "Load TLC Parquet files into trips / rejected_trips (one replacing transaction each)",
  configure: (command: Command) =>
    connectionOptions(
      command
        .argument("<files...>", "Parquet files (*_tripdata_YYYY-MM.parquet)")
        .option(
          "--period <YYYY-MM>",
          "period of files whose name holds none (default: from the name; one it contradicts is refused)",
        )
        .option(
          "--trip-type <type>",
          "yellow or green, for files whose columns and name do not tell",
        ),
      ["store"],
    ),
  options: optionsSchema,
  async run(options, context) {
    await using store = await openStore(resolveSettings(options));
    await ensureZones(store, ZONES_CSV);
    const files: IngestSummary[] = [];
    for (const path of options.args) {
      // The bar starts with the first rows, once the file's row count is known.
      let bar: Progress | undefined;
      let last = 0;
      const summary = await ingestFile(store, path, {
        period: options.period,
        tripType: options.tripType,
        progress: (done, total) => {
          bar ??= context.progress(`rows of ${path.split("/").at(-1)}`, total);
          bar.tick(done - last);
          last = done;
        },
      });
      bar?.done();
      files.push(summary);
    }
    return _totals(files);
  },
  render(summary) {
    const lines = (summary.files as IngestSummary[]).map((file) =>
      `${file.file} (${file.tripType} ${file.period ?? "pickup months"}): ` +
      `${file.rowsRead} read, ${file.accepted} accepted, ` +
      `${file.rowsRead - file.accepted} rejected in ${file.seconds.toFixed(1)} s ` +
      `(${file.rowsPerSecond} rows/s)`
    );
    const rejected = summary.rejected as ReasonCounts;
    for (const reason of CURATION_REASONS) {
      if (rejected[reason] > 0) lines.push(`  ${reason}: ${rejected[reason]}`);
    }
    return lines.join("\n");
  },
};

function _totals(files: IngestSummary[]): Record<string, unknown> {
  const rejected = zeroReasonCounts();
  for (const file of files) {
    for (const reason of CURATION_REASONS) rejected[reason] += file.rejected[reason];
  }
  const rowsRead = files.reduce((sum, file) => sum + file.rowsRead, 0);
  const seconds = files.reduce((sum, file) => sum + file.seconds, 0);
  return {
    files,
    rowsRead,
    accepted: files.reduce((sum, file) => sum + file.accepted, 0),
    rejected,
    seconds,
    rowsPerSecond: seconds > 0 ? Math.round(rowsRead / seconds) : 0,
  };
}

if (import.meta.main) await runTask(ingestTask);
