/**
 * The period a load of a file uses.
 *
 * @module
 */
import { monthIndexOfPeriod, periodFromFileName } from "../domain/curation/period.ts";
import { ChillFlowError } from "../errors.ts";

/**
 * The period of a load of `sourceFile`: `override` when given, else the one in
 * the file's name, else none (rows take their pickup months). An override
 * that contradicts the name is refused: a load replaces its month, so loading
 * January's file as December would delete December and keep two of its rows.
 *
 * @example
 * ```ts
 * import { loadPeriod } from "./_load_period.ts";
 * import assert from "node:assert";
 * assert.equal(loadPeriod("green_tripdata_2024-01.parquet"), "2024-01");
 * assert.equal(loadPeriod("yellow_tripdata_sample.parquet", "2024-02"), "2024-02");
 * assert.throws(() => loadPeriod("green_tripdata_2024-01.parquet", "2023-12"), /its name says 2024-01/);
 * ```
 */
export function loadPeriod(sourceFile: string, override?: string): string | undefined {
  const named = periodFromFileName(sourceFile);
  if (override !== undefined && named !== undefined && override !== named) {
    throw new ChillFlowError(
      "CF_USAGE",
      `Cannot load "${sourceFile}" as period ${override}: its name says ${named} ` +
        "(give no period, or rename the file)",
    );
  }
  const period = override ?? named;
  if (period !== undefined) monthIndexOfPeriod(period);
  return period;
}
