import type postgres from "postgres";
import type { Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { copyStatement, countCopyRows } from "../../store/copy_text.ts";

/**
 * Streams COPY text chunks to the server through one `COPY ... FROM STDIN`:
 * one round trip for the whole load, and `pipeline` waits for the socket to
 * drain before pulling the next chunk, so memory stays bounded.
 */
export async function _copyIn(
  sql: postgres.Sql,
  table: string,
  columns: readonly string[],
  chunks: AsyncIterable<string>,
): Promise<number> {
  const query = sql.unsafe(copyStatement(table, columns, "stdin"));
  const target: { stream?: Writable } = {};
  // postgres.js 3.4.9 never settles the writable when the server rejects the
  // data after CopyDone (porsager/postgres#1173): it only calls the query's
  // `reject`, so forward that error to the stream ourselves.
  const internal = query as unknown as { reject(error: unknown): void };
  const reject = internal.reject;
  internal.reject = (error) => {
    target.stream?.destroy(error as Error);
    reject(error);
  };
  const writable = target.stream = await query.writable();
  let rows = 0;
  await pipeline(async function* () {
    for await (const chunk of chunks) {
      rows += countCopyRows(chunk);
      yield chunk;
    }
  }, writable);
  return rows;
}
