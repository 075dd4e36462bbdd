import type { Transaction } from "@electric-sql/pglite";
import { copyStatement, countCopyRows } from "../../store/copy_text.ts";

/** Rows per `COPY ... FROM '/dev/blob'`: big enough to amortize, small enough to bound memory. */
const FLUSH_ROWS = 65_536;

/**
 * Loads COPY text chunks through PGlite's virtual `/dev/blob` file, one COPY
 * per batch of about {@linkcode FLUSH_ROWS} rows. Must run inside a
 * transaction so a failing batch leaves none of the earlier ones.
 */
export async function _copyIn(
  tx: Transaction,
  table: string,
  columns: readonly string[],
  chunks: AsyncIterable<string>,
): Promise<number> {
  const statement = copyStatement(table, columns, "'/dev/blob'");
  let parts: string[] = [];
  let pending = 0;
  let total = 0;
  const flush = async (): Promise<void> => {
    if (pending === 0) return;
    const result = await tx.query(statement, [], { blob: new Blob(parts) });
    total += result.affectedRows ?? pending;
    parts = [];
    pending = 0;
  };
  for await (const chunk of chunks) {
    parts.push(chunk);
    pending += countCopyRows(chunk);
    if (pending >= FLUSH_ROWS) await flush();
  }
  await flush();
  return total;
}
