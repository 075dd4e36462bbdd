/**
 * Worker half of the batch ingest: reads, curates and encodes COPY text off
 * the main thread, so the main thread only feeds PostgreSQL and the server
 * never waits while a row group is decoded. Chunks flow under credit-based
 * backpressure (at most {@linkcode ENCODE_CREDITS} unconsumed chunks), so
 * memory stays bounded by a row group plus a few chunks.
 *
 * @module
 */
import type { EncodeMessage, EncodeRequest } from "./_encoded_stream.ts";
import { workerFailure } from "./_worker_inbox.ts";

// The curation modules finish loading asynchronously (the SHA-256 WebAssembly
// module is instantiated by a top-level await); importing them statically would
// delay `onmessage` past the start message, which the worker would then miss.
const modules = Promise.all([
  import("../domain/curation/curate_batch.ts"),
  import("../io/parquet/read_trip_batches.ts"),
  import("./_load_cursor.ts"),
]);

const scope = self as unknown as {
  postMessage(message: EncodeMessage): void;
  onmessage: ((event: MessageEvent) => void) | null;
};

let credits = 0;
let wake: (() => void) | undefined;

scope.onmessage = (event: MessageEvent<EncodeRequest | { kind: "credit" }>) => {
  const message = event.data;
  if (message.kind === "credit") {
    credits++;
    wake?.();
    return;
  }
  credits = message.credits;
  _encode(message).catch((error: unknown) => scope.postMessage(workerFailure(error)));
};

async function _encode(request: EncodeRequest): Promise<void> {
  const [{ createCurationState }, { readTripBatches }, { LoadCursor }] = await modules;
  const state = createCurationState({
    period: request.period,
    expectedRows: request.expectedRows,
  });
  const batches = readTripBatches(request.path, { tripType: request.tripType });
  const cursor = new LoadCursor(
    batches,
    state,
    request.sourceFileBytes,
    (rows) => scope.postMessage({ kind: "progress", rows }),
  );
  while (!cursor.done) {
    for await (const chunk of cursor.tripChunks()) await _send("trips", chunk);
    for await (const chunk of cursor.rejectedChunks()) await _send("rejected", chunk);
  }
  scope.postMessage({
    kind: "done",
    rowsRead: cursor.rowsRead,
    accepted: cursor.accepted,
    rejected: cursor.rejected,
  });
}

async function _send(kind: "trips" | "rejected", chunk: string): Promise<void> {
  while (credits === 0) await new Promise<void>((resolve) => wake = resolve);
  credits--;
  scope.postMessage({ kind, chunk });
}
