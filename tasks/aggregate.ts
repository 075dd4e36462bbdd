/**
 * `deno task aggregate --period YYYY-MM`: recomputes the zone-hour KPIs of a period.
 *
 * @module
 */
import type { Command } from "commander";
import { z } from "zod";
import {
  aggregateKpis,
  connectionOptions,
  isPeriod,
  openStore,
  resolveSettings,
  runTask,
  type TaskDefinition,
} from "../mod.ts";

const optionsSchema = z.object({
  period: z.string({ error: "is required (--period YYYY-MM)" }).refine(isPeriod, "must be YYYY-MM"),
  databaseUrl: z.string().optional(),
  schema: z.string().optional(),
  dataDir: z.string().optional(),
});

/** Options of the aggregate task. */
export type AggregateTaskOptions = z.infer<typeof optionsSchema>;

/** The `aggregate` task. */
export const aggregateTask: TaskDefinition<AggregateTaskOptions> = {
  name: "aggregate",
  summary: "Recompute zone_hourly_kpis of one period from its accepted trips",
  configure: (command: Command) =>
    connectionOptions(command.option("--period <YYYY-MM>", "period to recompute"), ["store"]),
  options: optionsSchema,
  async run(options) {
    // Only derives from trips: a mistyped --schema must not create an empty one.
    await using store = await openStore(resolveSettings(options), { migrate: "existing" });
    return { ...await aggregateKpis(store, { period: options.period }) };
  },
};

if (import.meta.main) await runTask(aggregateTask);
