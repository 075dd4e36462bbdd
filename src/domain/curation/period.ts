/**
 * Load periods (`YYYY-MM` months) and how to find them.
 *
 * @module
 */

const FILE_PERIOD = /_tripdata_(\d{4})-(\d{2})\.parquet$/i;
const PERIOD = /^(\d{4})-(\d{2})$/;

/**
 * The period in a TLC file name (`*_tripdata_YYYY-MM.parquet`), or undefined.
 *
 * @example
 * ```ts
 * import { periodFromFileName } from "./period.ts";
 * import assert from "node:assert";
 * assert.equal(periodFromFileName("data/green_tripdata_2024-01.parquet"), "2024-01");
 * assert.equal(periodFromFileName("yellow_tripdata_sample.parquet"), undefined);
 * ```
 */
export function periodFromFileName(name: string): string | undefined {
  const match = FILE_PERIOD.exec(name);
  if (match === null) return undefined;
  const period = `${match[1]}-${match[2]}`;
  return isPeriod(period) ? period : undefined;
}

/**
 * Whether `text` is a valid `YYYY-MM` period (month 01..12, year 0001 or
 * later: PostgreSQL's dates have no year 0).
 *
 * @example
 * ```ts
 * import { isPeriod } from "./period.ts";
 * import assert from "node:assert";
 * assert.equal(isPeriod("2024-12"), true);
 * assert.equal(isPeriod("2024-13"), false);
 * assert.equal(isPeriod("0000-01"), false);
 * ```
 */
export function isPeriod(text: string): boolean {
  const match = PERIOD.exec(text);
  return match !== null && Number(match[1]) >= 1 && Number(match[2]) >= 1 &&
    Number(match[2]) <= 12;
}

/**
 * A month as one integer (`year * 12 + month - 1`), from a `YYYY-MM` period.
 *
 * @example
 * ```ts
 * import { monthIndexOfPeriod } from "./period.ts";
 * import assert from "node:assert";
 * assert.equal(monthIndexOfPeriod("2024-01"), 2024 * 12);
 * ```
 */
export function monthIndexOfPeriod(period: string): number {
  if (!isPeriod(period)) throw new RangeError(`Cannot parse period "${period}": expected YYYY-MM`);
  return Number(period.slice(0, 4)) * 12 + Number(period.slice(5, 7)) - 1;
}

/**
 * The month index of a naive epoch-millisecond timestamp.
 *
 * @example
 * ```ts
 * import { monthIndexOfTimestamp } from "./period.ts";
 * import assert from "node:assert";
 * assert.equal(monthIndexOfTimestamp(Date.UTC(2024, 1, 29, 23)), 2024 * 12 + 1);
 * ```
 */
export function monthIndexOfTimestamp(ms: number): number {
  const date = new Date(ms);
  return date.getUTCFullYear() * 12 + date.getUTCMonth();
}

/**
 * First instant of a month, as naive epoch milliseconds.
 *
 * @example
 * ```ts
 * import { monthStartMs } from "./period.ts";
 * import assert from "node:assert";
 * assert.equal(monthStartMs(2024 * 12 + 11), Date.UTC(2024, 11, 1));
 * assert.equal(new Date(monthStartMs(50 * 12)).toISOString(), "0050-01-01T00:00:00.000Z");
 * ```
 */
export function monthStartMs(monthIndex: number): number {
  // Not Date.UTC: it reads the years 0 to 99 as 1900 to 1999.
  return new Date(0).setUTCFullYear(Math.floor(monthIndex / 12), monthIndex % 12, 1);
}

/**
 * The `YYYY-MM` period of a month index.
 *
 * @example
 * ```ts
 * import { periodOfMonthIndex } from "./period.ts";
 * import assert from "node:assert";
 * assert.equal(periodOfMonthIndex(2023 * 12 + 11), "2023-12");
 * ```
 */
export function periodOfMonthIndex(monthIndex: number): string {
  const year = Math.floor(monthIndex / 12);
  return `${String(year).padStart(4, "0")}-${String(monthIndex % 12 + 1).padStart(2, "0")}`;
}
