/**
 * Worker half of `TripKeyStream`: reads a TLC file and posts the `trip_key`
 * digests of each batch, in file order, handing each buffer over.
 *
 * @module
 */
import type { TripKeyMessage, TripKeyRequest } from "./_trip_key_stream.ts";
import { workerFailure } from "./_worker_inbox.ts";

// The curation modules finish loading asynchronously (the SHA-256 WebAssembly
// module is instantiated by a top-level await); importing them statically would
// delay `onmessage` past the request, which the worker would then miss.
const modules = Promise.all([
  import("../domain/curation/trip_key.ts"),
  import("../io/parquet/read_trip_batches.ts"),
]);

const scope = self as unknown as {
  postMessage(message: TripKeyMessage, transfer?: Transferable[]): void;
  onmessage: ((event: MessageEvent<TripKeyRequest>) => void) | null;
};

scope.onmessage = (event) => {
  _hash(event.data).catch((error: unknown) => scope.postMessage(workerFailure(error)));
};

async function _hash(request: TripKeyRequest): Promise<void> {
  const [{ tripKeyDigests }, { readTripBatches }] = await modules;
  for await (const batch of readTripBatches(request.path, { tripType: request.tripType })) {
    const keys = tripKeyDigests(batch);
    scope.postMessage({ kind: "keys", keys }, [keys.buffer as ArrayBuffer]);
  }
  scope.postMessage({ kind: "done" });
}
