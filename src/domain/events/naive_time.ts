/**
 * Naive timestamps as text: New York wall-clock readings with no zone,
 * carried in events as `YYYY-MM-DDTHH:MM:SS[.sss]`.
 *
 * @module
 */

/**
 * Formats naive epoch milliseconds as naive ISO text; `.sss` only when the
 * milliseconds are non-zero (the `trip_key` canonical form).
 *
 * @example
 * ```ts
 * import { toNaiveIso } from "./naive_time.ts";
 * import assert from "node:assert";
 * assert.equal(toNaiveIso(Date.UTC(2024, 0, 1, 0, 57, 55)), "2024-01-01T00:57:55");
 * assert.equal(toNaiveIso(Date.UTC(2024, 0, 1, 0, 57, 55, 5)), "2024-01-01T00:57:55.005");
 * ```
 */
export function toNaiveIso(ms: number): string {
  const iso = new Date(ms).toISOString().slice(0, -1);
  return iso.endsWith(".000") ? iso.slice(0, -4) : iso;
}

/**
 * Parses naive ISO text back to naive epoch milliseconds.
 *
 * @throws {SyntaxError} When the text is not `YYYY-MM-DDTHH:MM:SS[.sss]`.
 * @example
 * ```ts
 * import { fromNaiveIso } from "./naive_time.ts";
 * import assert from "node:assert";
 * assert.equal(fromNaiveIso("2024-01-01T00:57:55"), Date.UTC(2024, 0, 1, 0, 57, 55));
 * ```
 */
export function fromNaiveIso(text: string): number {
  const ms = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?$/.test(text)
    ? Date.parse(`${text}Z`)
    : NaN;
  if (Number.isNaN(ms)) throw new SyntaxError(`Cannot parse "${text}" as a naive ISO time`);
  return ms;
}

/**
 * The `YYYY-MM` month of naive epoch milliseconds.
 *
 * @example
 * ```ts
 * import { monthOf } from "./naive_time.ts";
 * import assert from "node:assert";
 * assert.equal(monthOf(Date.UTC(2024, 0, 31, 23)), "2024-01");
 * ```
 */
export function monthOf(ms: number): string {
  return new Date(ms).toISOString().slice(0, 7);
}
