/**
 * `verify`: checks the pipeline's central invariant (contract section 4) on
 * any two schemas: identical `trips`, `rejected_trips` and
 * `zone_hourly_kpis`, every column (a reject's raw row too), compared in SQL with
 * `EXCEPT` both ways, all in one read-only snapshot.
 *
 * @module
 */
import { isPeriod } from "../domain/curation/period.ts";
import { ChillFlowError } from "../errors.ts";
import type { SqlClient, Store } from "../ports/store.ts";
import { quoteIdentifier, validateSchemaName } from "../store/sql_identifier.ts";

/** Options of {@linkcode verifySchemas}. */
export interface VerifyOptions {
  /** One schema to compare, e.g. `batch`; it must exist. */
  left: string;
  /** The other schema, e.g. `stream`; it must exist. */
  right: string;
  /** Compare only this `YYYY-MM` period. */
  period?: string;
  /** Sample rows shown per table and side, at most {@linkcode VERIFY_SAMPLE_MAX}. @default 5 */
  limit?: number;
}

/** The comparison of one table. */
export interface TableDifference {
  /** `trips`, `rejected_trips` or `zone_hourly_kpis`. */
  table: string;
  /** Rows of the table in the left schema (of the period, if one was given). */
  leftRows: number;
  /** Rows of the table in the right schema (of the period, if one was given). */
  rightRows: number;
  /** Rows in left but not in right. */
  onlyLeft: number;
  /** Rows in right but not in left. */
  onlyRight: number;
  /** The first rows only in left, as JSON text. */
  sampleLeft: string[];
  /** The first rows only in right, as JSON text. */
  sampleRight: string[];
}

/** The comparison of two schemas. */
export interface VerifyReport {
  /** Schema of the `onlyLeft` rows (`<` in the rendered report). */
  left: string;
  /** Schema of the `onlyRight` rows (`>` in the rendered report). */
  right: string;
  /** The compared period, `YYYY-MM`, or null when every period was compared. */
  period: string | null;
  /** Whether no table has a row on only one side: the invariant holds. */
  equal: boolean;
  /** One comparison per table, in the order `trips`, `rejected_trips`, `zone_hourly_kpis`. */
  tables: TableDifference[];
}

/**
 * The most sample rows {@linkcode verifySchemas} shows per table and side: the
 * samples of a table travel as one JSON text, which must stay small.
 *
 * @example
 * ```ts
 * import { VERIFY_SAMPLE_MAX } from "./verify.ts";
 * import assert from "node:assert/strict";
 * assert.equal(VERIFY_SAMPLE_MAX, 1000);
 * ```
 */
export const VERIFY_SAMPLE_MAX = 1000;

const TABLES: readonly { table: string; columns: string }[] = [
  { table: "trips", columns: "*" },
  { table: "rejected_trips", columns: "*" },
  { table: "zone_hourly_kpis", columns: "*" },
];

/**
 * Compares two schemas of one database. Every statement reads one snapshot (a
 * read-only `repeatable read` transaction), so a writer that commits meanwhile
 * cannot make a table differ from its own count, or one side from the other.
 *
 * @throws {ChillFlowError} `CF_CONFIG` when a schema name, the period or the limit is
 * invalid, or a schema does not exist or lacks a compared table.
 * @example
 * ```ts
 * import { verifySchemas } from "./verify.ts";
 * import { PgliteStore } from "../adapters/pglite/store.ts";
 * import assert from "node:assert/strict";
 *
 * const dataDir = `memory://verify_example_${crypto.randomUUID()}`;
 * await using batch = await PgliteStore.open({ dataDir, schema: "batch" });
 * await using stream = await PgliteStore.open({ dataDir, schema: "stream" });
 * await stream.query(
 *   `insert into rejected_trips (source_file, source_row, trip_key, trip_type, reason, raw)
 *    values ('g.parquet', 3, 'k', 'green', 'duplicate', '{}')`,
 * );
 * const report = await verifySchemas(batch, { left: "batch", right: "stream" });
 * assert.equal(report.equal, false);
 * assert.deepEqual(report.tables.map((t) => t.onlyRight), [0, 1, 0]);
 * ```
 */
export async function verifySchemas(
  store: Pick<Store, "transaction">,
  options: VerifyOptions,
): Promise<VerifyReport> {
  const limit = options.limit ?? 5;
  if (!Number.isSafeInteger(limit) || limit < 0 || limit > VERIFY_SAMPLE_MAX) {
    throw new ChillFlowError(
      "CF_CONFIG",
      `Cannot verify: the sample limit must be an integer from 0 to ${VERIFY_SAMPLE_MAX}, not ${limit}`,
    );
  }
  if (options.period !== undefined && !isPeriod(options.period)) {
    throw new ChillFlowError(
      "CF_CONFIG",
      `Cannot verify: the period must be YYYY-MM, not "${options.period}"`,
    );
  }
  return await store.transaction(async (tx) => {
    await tx.exec("set transaction isolation level repeatable read, read only");
    return await _compare(tx, options, limit);
  });
}

async function _compare(
  sql: SqlClient,
  options: VerifyOptions,
  limit: number,
): Promise<VerifyReport> {
  const left = quoteIdentifier(validateSchemaName(options.left));
  const right = quoteIdentifier(validateSchemaName(options.right));
  for (const name of [options.left, options.right]) {
    const [found] = await sql.query<{ schema: boolean; tables: string[] }>(
      `select exists(select from pg_namespace where nspname = $1) as schema,
         array(select tablename::text from pg_tables where schemaname = $1) as tables`,
      [name],
    );
    if (!found!.schema) {
      throw new ChillFlowError("CF_CONFIG", `Cannot verify schema "${name}": it does not exist`);
    }
    const missing = TABLES.map((t) => t.table).filter((table) => !found!.tables.includes(table));
    if (missing.length > 0) {
      throw new ChillFlowError(
        "CF_CONFIG",
        `Cannot verify schema "${name}": it has no ChillFlow table ${missing.join(", ")}`,
      );
    }
  }
  const params = options.period === undefined ? [] : [`${options.period}-01`];
  const where = options.period === undefined ? "" : " where period = $1::date";
  const tables: TableDifference[] = [];
  for (const { table, columns } of TABLES) {
    const from = (schema: string) => `select ${columns} from ${schema}.${table}${where}`;
    const count = async (schema: string) =>
      (await sql.query<{ n: number }>(
        `select count(*)::int as n from ${schema}.${table}${where}`,
        params,
      ))[0]!.n;
    const diff = async (a: string, b: string) => {
      const rows = await sql.query<{ n: number; sample: string | null }>(
        `with d as (${from(a)} except all ${from(b)})
         select (select count(*)::int from d) as n,
           (select json_agg(row_to_json(s))::text from (select * from d order by 1 limit $${
          params.length + 1
        }) s) as sample`,
        [...params, limit],
      );
      const sample = rows[0]!.sample === null ? [] : JSON.parse(rows[0]!.sample) as unknown[];
      return { n: rows[0]!.n, sample: sample.map((row) => JSON.stringify(row)) };
    };
    const onlyLeft = await diff(left, right);
    const onlyRight = await diff(right, left);
    tables.push({
      table,
      leftRows: await count(left),
      rightRows: await count(right),
      onlyLeft: onlyLeft.n,
      onlyRight: onlyRight.n,
      sampleLeft: onlyLeft.sample,
      sampleRight: onlyRight.sample,
    });
  }
  return {
    left: options.left,
    right: options.right,
    period: options.period ?? null,
    equal: tables.every((t) => t.onlyLeft === 0 && t.onlyRight === 0),
    tables,
  };
}

/**
 * The report as text lines: one per table, then the sample rows of each difference.
 *
 * @example
 * ```ts
 * import { renderVerifyReport } from "./verify.ts";
 * import assert from "node:assert";
 * const text = renderVerifyReport({ left: "a", right: "b", period: null, equal: true, tables: [] });
 * assert.match(text, /identical/);
 * ```
 */
export function renderVerifyReport(report: VerifyReport): string {
  const lines = [
    `${report.left} vs ${report.right}${report.period ? ` (${report.period})` : ""}: ` +
    (report.equal ? "identical" : "DIFFERENT"),
  ];
  for (const t of report.tables) {
    lines.push(
      `  ${t.table}: ${t.leftRows} vs ${t.rightRows} rows, ${t.onlyLeft} only in ${report.left}, ` +
        `${t.onlyRight} only in ${report.right}`,
    );
    for (const row of t.sampleLeft) lines.push(`    < ${row}`);
    for (const row of t.sampleRight) lines.push(`    > ${row}`);
  }
  return lines.join("\n");
}
