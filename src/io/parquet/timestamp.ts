/**
 * Timestamp decoding that keeps TLC wall-clock times naive.
 *
 * TLC timestamps are New York local times stored with `isAdjustedToUTC=false`.
 * ChillFlow carries them as "naive epoch milliseconds": the stored count read
 * as if it were UTC. So the conversion is pure integer arithmetic on the
 * stored count, never a `Date` and never a zone.
 *
 * @module
 */
import type { ParquetParsers } from "hyparquet";

const NS_PER_MS = 1_000_000n;

/**
 * Floors a stored count of `unit`s since the epoch to whole milliseconds.
 * Sub-millisecond digits are dropped (TLC stores whole seconds).
 *
 * @param value The stored INT64 count.
 * @param unit The column's time unit.
 * @returns Naive epoch milliseconds.
 *
 * @example
 * ```ts
 * import { naiveMillis } from "./timestamp.ts";
 * import assert from "node:assert";
 * assert.equal(naiveMillis(1704070675000000n, "MICROS"), Date.UTC(2024, 0, 1, 0, 57, 55));
 * assert.equal(naiveMillis(-1n, "NANOS"), -1);
 * ```
 */
export function naiveMillis(value: bigint, unit: "MILLIS" | "MICROS" | "NANOS"): number {
  if (unit === "MILLIS") return Number(value);
  if (unit === "MICROS") {
    // Exact below 2^53 µs (year 2255); beyond it falls back to bigint division.
    const micros = Number(value);
    if (Number.isSafeInteger(micros)) return Math.floor(micros / 1000);
    return _floorDiv(value, 1000n);
  }
  return _floorDiv(value, NS_PER_MS);
}

function _floorDiv(value: bigint, divisor: bigint): number {
  const quotient = value / divisor;
  return Number(value < 0n && quotient * divisor !== value ? quotient - 1n : quotient);
}

/**
 * hyparquet parsers that turn every timestamp (MILLIS, MICROS, NANOS and
 * INT96, which hyparquet hands over as nanoseconds) into naive epoch
 * milliseconds instead of `Date` objects. hyparquet applies them to
 * dictionary entries, so a dictionary-encoded column converts each distinct
 * value once.
 *
 * @example
 * ```ts
 * import { NAIVE_TIMESTAMP_PARSERS } from "./timestamp.ts";
 * import assert from "node:assert";
 * assert.equal(NAIVE_TIMESTAMP_PARSERS.timestampFromNanoseconds(1_500_000n), 1);
 * ```
 */
export const NAIVE_TIMESTAMP_PARSERS: Pick<
  ParquetParsers,
  "timestampFromMilliseconds" | "timestampFromMicroseconds" | "timestampFromNanoseconds"
> = {
  timestampFromMilliseconds: (millis: bigint): number => naiveMillis(millis, "MILLIS"),
  timestampFromMicroseconds: (micros: bigint): number => naiveMillis(micros, "MICROS"),
  timestampFromNanoseconds: (nanos: bigint): number => naiveMillis(nanos, "NANOS"),
};
