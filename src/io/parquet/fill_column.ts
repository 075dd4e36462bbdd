/**
 * Copies decoded hyparquet column chunks into the reader's flat columns
 * without creating an object per row.
 *
 * @module
 */
import type { DecodedArray } from "hyparquet";

const TWO_POW_32 = 4294967296;
// |high word| below 2^21 keeps high * 2^32 + low under 2^53, so it is exact.
const SAFE_HIGH = 2097152;

/**
 * Writes `data` into `target` from `offset` as float64, `NaN` for null.
 * Accepts every shape hyparquet decodes a numeric column to: typed arrays,
 * `BigInt64Array` (INT64 without nulls) and plain arrays of numbers, bigints
 * and nulls.
 *
 * @param target The destination column.
 * @param offset Index in `target` of `data[0]`.
 * @param data A decoded chunk.
 *
 * @example
 * ```ts
 * import { fillNumeric } from "./fill_column.ts";
 * import assert from "node:assert";
 * const column = new Float64Array(4);
 * fillNumeric(column, 1, [1n, null, 2.5]);
 * assert.deepEqual([...column], [0, 1, NaN, 2.5]);
 * ```
 */
export function fillNumeric(target: Float64Array, offset: number, data: DecodedArray): void {
  if (data instanceof BigInt64Array) return _fillBigInt64(target, offset, data);
  if (data instanceof BigUint64Array) {
    for (let i = 0; i < data.length; i++) target[offset + i] = Number(data[i]!);
    return;
  }
  if (!Array.isArray(data)) {
    target.set(data as ArrayLike<number>, offset);
    return;
  }
  for (let i = 0; i < data.length; i++) {
    const value: unknown = data[i];
    target[offset + i] = typeof value === "number"
      ? value
      : typeof value === "bigint"
      ? Number(value)
      : value == null
      ? NaN
      : Number(value);
  }
}

/**
 * Writes a decoded string chunk into `target` from `offset`; non-string
 * values become their text, `undefined` becomes null.
 *
 * @param target The destination column.
 * @param offset Index in `target` of `data[0]`.
 * @param data A decoded chunk.
 *
 * @example
 * ```ts
 * import { fillStrings } from "./fill_column.ts";
 * import assert from "node:assert";
 * const column: (string | null)[] = [null, null];
 * fillStrings(column, 0, ["N", undefined]);
 * assert.deepEqual(column, ["N", null]);
 * ```
 */
export function fillStrings(target: (string | null)[], offset: number, data: DecodedArray): void {
  for (let i = 0; i < data.length; i++) {
    const value: unknown = data[i];
    target[offset + i] = typeof value === "string" ? value : value == null ? null : String(value);
  }
}

// Reads the two 32-bit halves instead of materialising a BigInt per value;
// hyparquet decodes little-endian data into host order, which is little-endian
// on every platform Deno ships for.
function _fillBigInt64(target: Float64Array, offset: number, data: BigInt64Array): void {
  const words = new Int32Array(data.buffer, data.byteOffset, data.length * 2);
  for (let i = 0; i < data.length; i++) {
    const high = words[2 * i + 1]!;
    target[offset + i] = high < SAFE_HIGH && high >= -SAFE_HIGH
      ? high * TWO_POW_32 + (words[2 * i]! >>> 0)
      : Number(data[i]!);
  }
}
