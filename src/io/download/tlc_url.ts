/**
 * Names and URLs of the TLC monthly trip files.
 *
 * @module
 */
import type { TripType } from "../../../schemas/raw_trip.ts";
import { isPeriod, monthIndexOfPeriod, periodOfMonthIndex } from "../../domain/curation/period.ts";

/**
 * Where TLC publishes the monthly files.
 *
 * @example
 * ```ts
 * import { TLC_BASE_URL } from "./tlc_url.ts";
 * import assert from "node:assert";
 * assert.equal(new URL(TLC_BASE_URL).protocol, "https:");
 * ```
 */
export const TLC_BASE_URL = "https://d37ci6vzurychx.cloudfront.net/trip-data";

/**
 * The file name of a month: `<type>_tripdata_<YYYY>-<MM>.parquet`.
 *
 * @param tripType Yellow or green.
 * @param period `YYYY-MM`.
 * @returns The file name.
 *
 * @example
 * ```ts
 * import { tlcFileName } from "./tlc_url.ts";
 * import assert from "node:assert";
 * assert.equal(tlcFileName("green", "2024-01"), "green_tripdata_2024-01.parquet");
 * ```
 */
export function tlcFileName(tripType: TripType, period: string): string {
  return `${tripType}_tripdata_${period}.parquet`;
}

/**
 * The URL of a month's file under `baseUrl`.
 *
 * @param tripType Yellow or green.
 * @param period `YYYY-MM`.
 * @param baseUrl Folder URL, with or without a trailing slash.
 * @returns The file URL.
 *
 * @example
 * ```ts
 * import { tlcFileUrl } from "./tlc_url.ts";
 * import assert from "node:assert";
 * assert.equal(
 *   tlcFileUrl("yellow", "2024-03"),
 *   "https://d37ci6vzurychx.cloudfront.net/trip-data/yellow_tripdata_2024-03.parquet",
 * );
 * ```
 */
export function tlcFileUrl(
  tripType: TripType,
  period: string,
  baseUrl: string = TLC_BASE_URL,
): string {
  return `${baseUrl.replace(/\/+$/, "")}/${tlcFileName(tripType, period)}`;
}

/**
 * Every period from `from` to `to`, inclusive.
 *
 * @param from First `YYYY-MM`.
 * @param to Last `YYYY-MM` (default: `from`).
 * @returns The periods in order.
 * @throws {RangeError} When a period is malformed or `to` is before `from`.
 *
 * @example
 * ```ts
 * import { periodsBetween } from "./tlc_url.ts";
 * import assert from "node:assert";
 * assert.deepEqual(periodsBetween("2023-11", "2024-02"), ["2023-11", "2023-12", "2024-01", "2024-02"]);
 * ```
 */
export function periodsBetween(from: string, to: string = from): string[] {
  for (const period of [from, to]) {
    if (!isPeriod(period)) throw new RangeError(`Cannot use period "${period}": expected YYYY-MM`);
  }
  const first = monthIndexOfPeriod(from), last = monthIndexOfPeriod(to);
  if (last < first) {
    throw new RangeError(`Cannot download from ${from} to ${to}: the end is before the start`);
  }
  return Array.from({ length: last - first + 1 }, (_, i) => periodOfMonthIndex(first + i));
}
