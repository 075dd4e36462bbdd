/**
 * Main-thread half of the replay's trip-key hashing: a worker reads the same
 * file and computes each batch's `trip_key` digests (SHA-256 of the canonical
 * row, half the cost of reading and curating) while the main thread reads
 * and curates, so the replay's first phase uses two cores. Only the digests
 * cross between the threads; batches come in the reader's (deterministic)
 * order.
 *
 * @module
 */
import type { TripType } from "../../schemas/raw_trip.ts";
import { deserializeError } from "../errors.ts";
import { type WorkerFailure, WorkerInbox } from "./_worker_inbox.ts";

/** What the worker is asked to hash. */
export interface TripKeyRequest {
  path: string;
  tripType: TripType;
}

/** Everything the worker sends, in file order. */
export type TripKeyMessage =
  | { kind: "keys"; keys: Uint8Array }
  | { kind: "done" }
  | WorkerFailure;

/**
 * The trip keys of a file's batches, computed by a worker, batch after batch.
 *
 * @example
 * ```ts ignore
 * import { TripKeyStream } from "./_trip_key_stream.ts";
 * using keys = new TripKeyStream("data/green_tripdata_2024-01.parquet", "green");
 * for await (const batch of readTripBatches(path, { tripType: "green" })) {
 *   const verdicts = curateBatch(batch, state, await keys.next());
 * }
 * ```
 */
export class TripKeyStream implements Disposable {
  #inbox = new WorkerInbox<TripKeyMessage>(new URL("./_trip_key_worker.ts", import.meta.url));

  /** Starts hashing the batches of `path`, read as `tripType`. */
  constructor(path: string, tripType: TripType) {
    this.#inbox.post({ path, tripType } satisfies TripKeyRequest);
  }

  /**
   * The 16-byte digests of the next batch's rows; throws what the worker
   * threw, or when the file has no more batches.
   *
   * @example
   * ```ts ignore
   * const keys = await stream.next();
   * ```
   */
  async next(): Promise<Uint8Array> {
    const message = await this.#inbox.take();
    switch (message.kind) {
      case "keys":
        return message.keys;
      case "done":
        throw new Error("The trip key worker has no more batches");
      default:
        throw deserializeError(message.error);
    }
  }

  /** Stops the worker (idempotent). */
  [Symbol.dispose](): void {
    this.#inbox[Symbol.dispose]();
  }
}
