/**
 * `deno task verify --left A --right B`: checks that two schemas hold the same
 * trips, rejects and KPIs (the batch and stream paths must agree).
 *
 * @module
 */
import type { Command } from "commander";
import { z } from "zod";
import {
  ChillFlowError,
  connectionOptions,
  isPeriod,
  openStore,
  renderVerifyReport,
  resolveSettings,
  runTask,
  type TaskDefinition,
  VERIFY_SAMPLE_MAX,
  type VerifyReport,
  verifySchemas,
} from "../mod.ts";

const optionsSchema = z.object({
  args: z.array(z.string()).max(0, "takes no arguments"),
  left: z.string({ error: "--left is required" }).min(1),
  right: z.string({ error: "--right is required" }).min(1),
  period: z.string().refine(isPeriod, "must be YYYY-MM").optional(),
  limit: z.coerce.number().int().min(0).max(VERIFY_SAMPLE_MAX).default(5),
  databaseUrl: z.string().optional(),
  dataDir: z.string().optional(),
});

/** Options of the verify task. */
export type VerifyTaskOptions = z.infer<typeof optionsSchema>;

/** The `verify` task. */
export const verifyTask: TaskDefinition<VerifyTaskOptions> = {
  name: "verify",
  summary: "Check two schemas hold identical trips, rejects and KPIs (exit 1 on any difference)",
  configure: (command: Command) =>
    connectionOptions(
      command
        .option("--left <schema>", "first schema, e.g. the batch load (required)")
        .option("--right <schema>", "second schema, e.g. the stream load (required)")
        .option("--period <YYYY-MM>", "compare only this period")
        .option(
          "--limit <N>",
          `differing rows shown per table and side (at most ${VERIFY_SAMPLE_MAX})`,
          "5",
        ),
      ["store"],
      { schema: false },
    ),
  options: optionsSchema,
  async run(options) {
    // Only reads: neither schema is created or migrated by a check.
    await using store = await openStore(resolveSettings({ ...options, schema: options.left }), {
      migrate: false,
    });
    return { ...await verifySchemas(store, options) };
  },
  render: (summary) => renderVerifyReport(summary as unknown as VerifyReport),
  failure(summary) {
    const report = summary as unknown as VerifyReport;
    if (report.equal) return undefined;
    const diff = report.tables.filter((t) => t.onlyLeft + t.onlyRight > 0)
      .map((t) => `${t.table} (${t.onlyLeft} only left, ${t.onlyRight} only right)`);
    return new ChillFlowError(
      "CF_VERIFY_MISMATCH",
      `Schemas "${report.left}" and "${report.right}" differ: ${diff.join(", ")}`,
    );
  },
};

if (import.meta.main) await runTask(verifyTask);
