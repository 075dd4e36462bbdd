/**
 * Main-thread half of the batch ingest: starts the encode worker and hands
 * out its messages in order, returning a credit for every chunk taken.
 *
 * @module
 */
import type { ReasonCounts } from "../../schemas/curation_reason.ts";
import type { TripType } from "../../schemas/raw_trip.ts";
import { deserializeError } from "../errors.ts";
import { type WorkerFailure, WorkerInbox } from "./_worker_inbox.ts";

/** Unconsumed chunks the worker may have in flight. */
export const ENCODE_CREDITS = 8;

/** What the worker is asked to encode. */
export interface EncodeRequest {
  kind: "start";
  path: string;
  tripType: TripType;
  period: string | undefined;
  expectedRows: number;
  sourceFileBytes: Uint8Array;
  credits: number;
}

/** The load's totals, sent last. */
export interface EncodeDone {
  kind: "done";
  rowsRead: number;
  accepted: number;
  rejected: ReasonCounts;
}

/** Everything the worker sends. */
export type EncodeMessage =
  | { kind: "trips" | "rejected"; chunk: string }
  | { kind: "progress"; rows: number }
  | WorkerFailure
  | EncodeDone;

/** COPY chunks of one file, encoded by a worker, in file order. */
export class EncodedStream implements Disposable {
  #inbox = new WorkerInbox<EncodeMessage>(new URL("./_encode_worker.ts", import.meta.url));
  #onRows: (rows: number) => void;

  constructor(request: Omit<EncodeRequest, "kind" | "credits">, onRows: (rows: number) => void) {
    this.#onRows = onRows;
    this.#inbox.post(
      { kind: "start", credits: ENCODE_CREDITS, ...request } satisfies EncodeRequest,
    );
  }

  /** The next chunk or the totals; throws what the worker threw. */
  async next(): Promise<Exclude<EncodeMessage, { kind: "progress" | "error" }>> {
    for (;;) {
      const message = await this.#inbox.take();
      switch (message.kind) {
        case "progress":
          this.#onRows(message.rows);
          continue;
        case "error":
          throw deserializeError(message.error);
        case "trips":
        case "rejected":
          this.#inbox.post({ kind: "credit" });
          return message;
        default:
          return message;
      }
    }
  }

  /** Stops the worker (idempotent). */
  [Symbol.dispose](): void {
    this.#inbox[Symbol.dispose]();
  }
}
