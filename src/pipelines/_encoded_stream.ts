/**
 * Main-thread half of the batch ingest: starts the encode worker and hands
 * out its messages in order, returning a credit for every chunk taken.
 *
 * @module
 */
import type { ReasonCounts } from "../../schemas/curation_reason.ts";
import type { TripType } from "../../schemas/raw_trip.ts";
import { ChillFlowError, type ErrorCode } from "../errors.ts";

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
  | { kind: "error"; code: ErrorCode | undefined; message: string; stack: string | undefined }
  | EncodeDone;

/** COPY chunks of one file, encoded by a worker, in file order. */
export class EncodedStream implements Disposable {
  #worker: Worker;
  #queue: EncodeMessage[] = [];
  #waiting: ((message: EncodeMessage) => void) | undefined;
  #onRows: (rows: number) => void;

  constructor(request: Omit<EncodeRequest, "kind" | "credits">, onRows: (rows: number) => void) {
    this.#onRows = onRows;
    this.#worker = new Worker(new URL("./_encode_worker.ts", import.meta.url).href, {
      type: "module",
    });
    this.#worker.onmessage = (event: MessageEvent<EncodeMessage>) => this.#push(event.data);
    this.#worker.onerror = (event: ErrorEvent) => {
      event.preventDefault();
      this.#push({ kind: "error", code: undefined, message: event.message, stack: undefined });
    };
    const start: EncodeRequest = { kind: "start", credits: ENCODE_CREDITS, ...request };
    this.#worker.postMessage(start);
  }

  /** The next chunk or the totals; throws what the worker threw. */
  async next(): Promise<Exclude<EncodeMessage, { kind: "progress" | "error" }>> {
    for (;;) {
      const message = this.#queue.shift() ??
        await new Promise<EncodeMessage>((resolve) => this.#waiting = resolve);
      switch (message.kind) {
        case "progress":
          this.#onRows(message.rows);
          continue;
        case "error":
          throw message.code === undefined
            ? Object.assign(new Error(message.message), { stack: message.stack })
            : new ChillFlowError(message.code, message.message);
        case "trips":
        case "rejected":
          this.#worker.postMessage({ kind: "credit" });
          return message;
        default:
          return message;
      }
    }
  }

  /** Stops the worker (idempotent). */
  [Symbol.dispose](): void {
    this.#worker.terminate();
  }

  #push(message: EncodeMessage): void {
    const waiting = this.#waiting;
    if (waiting === undefined) {
      this.#queue.push(message);
      return;
    }
    this.#waiting = undefined;
    waiting(message);
  }
}
