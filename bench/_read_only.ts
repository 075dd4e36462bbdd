/**
 * Helper of bench/ingest_bench.ts, run as its own process so its peak memory
 * is its own: reads a Parquet file with the reader alone (`read`), or also
 * curates and encodes the COPY text without a database (`encode`). Prints
 * `{ rows, seconds }` as JSON.
 *
 * @module
 */
import { createCurationState } from "../src/domain/curation/curate_batch.ts";
import { periodFromFileName } from "../src/domain/curation/period.ts";
import { inspectTripFile } from "../src/io/parquet/inspect_trip_file.ts";
import { readTripBatches } from "../src/io/parquet/read_trip_batches.ts";
import { LoadCursor } from "../src/pipelines/_load_cursor.ts";

const [mode, path] = Deno.args as ["read" | "encode", string];
const started = performance.now();
let rows = 0;
if (mode === "read") {
  for await (const batch of readTripBatches(path)) rows += batch.length;
} else {
  const expectedRows = (await inspectTripFile(path)).rows;
  const state = createCurationState({ period: periodFromFileName(path), expectedRows });
  // The file's name as ingest writes it into every line.
  const name = new TextEncoder().encode(path.split("/").at(-1)!);
  const cursor = new LoadCursor(readTripBatches(path), state, name, () => {});
  while (!cursor.done) {
    for await (const _ of cursor.tripChunks()) { /* encoded and dropped */ }
    for await (const _ of cursor.rejectedChunks()) { /* encoded and dropped */ }
  }
  rows = cursor.rowsRead;
}
console.log(JSON.stringify({ rows, seconds: (performance.now() - started) / 1000 }));
