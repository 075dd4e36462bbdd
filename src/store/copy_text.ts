/**
 * PostgreSQL `COPY ... (FORMAT text)` helpers shared by both Store adapters and
 * by writers that produce COPY chunks.
 *
 * @module
 */

import { quoteIdentifier } from "./sql_identifier.ts";

const SPECIAL = /[\\\t\n\r]/g;
const ESCAPES: Record<string, string> = { "\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r" };

/**
 * Encodes one value as a field of COPY text format: `null`/`undefined` become
 * `\N`; backslash, tab, newline and carriage return are escaped.
 *
 * @param value The value; numbers use `String(n)`.
 * @returns The field text, without separators.
 *
 * @example
 * ```ts
 * import { copyTextField } from "./copy_text.ts";
 * import assert from "node:assert";
 * assert.equal(copyTextField(null), "\\N");
 * assert.equal(copyTextField("a\tb"), "a\\tb");
 * ```
 */
export function copyTextField(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return "\\N";
  return typeof value === "string" ? value.replace(SPECIAL, (c) => ESCAPES[c]) : String(value);
}

/**
 * Counts the rows in a chunk of whole COPY text lines (one `\n` per row, since
 * newlines inside values are escaped).
 *
 * @param chunk Whole lines, each ending in `\n`.
 * @returns The number of rows.
 *
 * @example
 * ```ts
 * import { countCopyRows } from "./copy_text.ts";
 * import assert from "node:assert";
 * assert.equal(countCopyRows("1\ta\n2\tb\\nc\n"), 2);
 * ```
 */
export function countCopyRows(chunk: string): number {
  let rows = 0;
  for (let i = chunk.indexOf("\n"); i !== -1; i = chunk.indexOf("\n", i + 1)) rows++;
  return rows;
}

/**
 * Builds `COPY table (columns) FROM source` with validated, quoted names.
 *
 * @param table Unqualified table name (resolved through the search path).
 * @param columns Column names, in field order.
 * @param source `stdin`, or a quoted file name such as `'/dev/blob'`.
 * @returns The statement.
 *
 * @example
 * ```ts
 * import { copyStatement } from "./copy_text.ts";
 * import assert from "node:assert";
 * assert.equal(copyStatement("zones", ["location_id"], "stdin"), 'copy "zones" ("location_id") from stdin');
 * ```
 */
export function copyStatement(table: string, columns: readonly string[], source: string): string {
  if (columns.length === 0) throw new TypeError(`Cannot copy into "${table}": no columns`);
  return `copy ${quoteIdentifier(table)} (${
    columns.map(quoteIdentifier).join(", ")
  }) from ${source}`;
}
