/**
 * The result-type rule shared by both Store adapters.
 *
 * Drivers disagree on `bigint`, `numeric`, `date` and timestamps (postgres.js
 * gives strings and local-time `Date`s, PGlite gives `BigInt`s and UTC `Date`s),
 * so both adapters return those types as the server's text instead, e.g.
 * `"42"`, `"12.50"`, `"2024-01-31"`, `"2024-01-31 23:59:59"`. Callers who need
 * numbers cast in SQL (`count(*)::int`, `x::float8`); timestamps without time
 * zone then never shift with the process `TZ`.
 *
 * @module
 */

/**
 * PostgreSQL type OIDs returned as text: int8, date, timestamp, timestamptz, numeric.
 *
 * @example
 * ```ts
 * import { TEXT_RESULT_OIDS } from "./text_results.ts";
 * import assert from "node:assert";
 * assert.ok(TEXT_RESULT_OIDS.includes(1114));
 * ```
 */
export const TEXT_RESULT_OIDS: readonly number[] = [20, 1082, 1114, 1184, 1700];

/**
 * Serializes a parameter as PostgreSQL text without time-zone surprises:
 * `Date` becomes its UTC ISO string, everything else `String(value)`.
 *
 * @param value A non-null parameter value.
 * @returns The text sent to the server.
 *
 * @example
 * ```ts
 * import { serializeParam } from "./text_results.ts";
 * import assert from "node:assert";
 * assert.equal(serializeParam("2024-01-01 00:30:00"), "2024-01-01 00:30:00");
 * ```
 */
export function serializeParam(value: unknown): string {
  return value instanceof Date ? value.toISOString() : String(value);
}

/**
 * Serializes a `json`/`jsonb` parameter the way PGlite does, for both
 * adapters: a string is taken as JSON text already, anything else goes
 * through `JSON.stringify` (bigints as strings).
 *
 * @param value A non-null parameter value.
 * @returns JSON text.
 *
 * @example
 * ```ts
 * import { serializeJsonParam } from "./text_results.ts";
 * import assert from "node:assert";
 * assert.equal(serializeJsonParam('[{"z":1}]'), '[{"z":1}]');
 * assert.equal(serializeJsonParam({ n: 2n }), '{"n":"2"}');
 * ```
 */
export function serializeJsonParam(value: unknown): string {
  return typeof value === "string"
    ? value
    : JSON.stringify(value, (_key, v) => typeof v === "bigint" ? v.toString() : v);
}
