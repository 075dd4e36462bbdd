/**
 * Validation and quoting of the SQL identifiers ChillFlow builds into text:
 * schema, table and column names. Only plain lowercase names are accepted, so
 * a name means the same thing quoted or not and never needs escaping.
 *
 * @module
 */

import { ChillFlowError } from "../errors.ts";

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * Checks a schema name given by a user (flag or environment variable).
 *
 * @param name The schema name.
 * @returns The same name.
 * @throws {ChillFlowError} `CF_CONFIG` when the name is not a plain lowercase identifier,
 * starts with the reserved `pg_` prefix or is `information_schema`.
 *
 * @example
 * ```ts
 * import { validateSchemaName } from "./sql_identifier.ts";
 * import assert from "node:assert";
 * assert.equal(validateSchemaName("chillflow"), "chillflow");
 * assert.throws(() => validateSchemaName("Robert'); drop"));
 * assert.throws(() => validateSchemaName("information_schema"));
 * ```
 */
export function validateSchemaName(name: string): string {
  // PostgreSQL's own schemas: pg_* are reserved, information_schema is an ordinary name.
  if (!IDENTIFIER.test(name) || name.startsWith("pg_") || name === "information_schema") {
    throw new ChillFlowError(
      "CF_CONFIG",
      `Invalid schema name "${name}": use 1 to 63 lowercase letters, digits or "_", ` +
        `not starting with a digit or "pg_", and not "information_schema"`,
    );
  }
  return name;
}

/**
 * Quotes a table or column name after checking it is a plain lowercase identifier.
 *
 * @param name The identifier.
 * @returns The double-quoted identifier.
 * @throws {TypeError} When the name is not a plain lowercase identifier (a programming error).
 *
 * @example
 * ```ts
 * import { quoteIdentifier } from "./sql_identifier.ts";
 * import assert from "node:assert";
 * assert.equal(quoteIdentifier("trips"), '"trips"');
 * ```
 */
export function quoteIdentifier(name: string): string {
  if (!IDENTIFIER.test(name)) {
    throw new TypeError(`Cannot quote identifier "${name}": not a plain lowercase name`);
  }
  return `"${name}"`;
}
