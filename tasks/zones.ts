/**
 * `deno task zones [--file CSV]`: loads the taxi zone lookup into `zones`,
 * replacing what was there.
 *
 * @module
 */
import type { Command } from "commander";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import {
  connectionOptions,
  loadZones,
  openStore,
  readZoneCsv,
  resolveSettings,
  runTask,
  type TaskDefinition,
} from "../mod.ts";

/** The bundled current zone lookup. */
const DEFAULT_CSV = fileURLToPath(new URL("../data/taxi_zone_lookup.csv", import.meta.url));

const optionsSchema = z.object({
  file: z.string().min(1, "needs a CSV path").default(DEFAULT_CSV),
  databaseUrl: z.string().optional(),
  schema: z.string().optional(),
  dataDir: z.string().optional(),
});

/** Options of the zones task. */
export type ZonesTaskOptions = z.infer<typeof optionsSchema>;

/** The `zones` task. */
export const zonesTask: TaskDefinition<ZonesTaskOptions> = {
  name: "zones",
  summary: "Load the taxi zone lookup CSV into zones (replaces the table)",
  configure: (command: Command) =>
    connectionOptions(
      command.option("--file <csv>", "zone lookup CSV (default: data/taxi_zone_lookup.csv)"),
      ["store"],
    ),
  options: optionsSchema,
  async run(options) {
    const started = performance.now();
    // Parse before connecting: a bad file then fails fast and touches nothing.
    const rows = await readZoneCsv(options.file);
    const settings = resolveSettings(options);
    await using store = await openStore(settings);
    const zones = await loadZones(store, rows);
    return {
      file: options.file,
      store: store.kind,
      schema: store.schema,
      zones,
      seconds: Number(((performance.now() - started) / 1000).toFixed(3)),
    };
  },
};

if (import.meta.main) await runTask(zonesTask);
