/**
 * The plumbing both file workers share (the ingest's encoder and the
 * replay's trip-key hasher): their messages taken in order on the main
 * thread, and a failure carried across the thread boundary as a message
 * (`serializeError` there, `deserializeError` here).
 *
 * @module
 */
import { type SerializedError, serializeError } from "../errors.ts";

/** What a worker posts when its job fails: the error, to be thrown again on the main thread. */
export interface WorkerFailure {
  kind: "error";
  error: SerializedError;
}

/**
 * The message that carries `error` to the main thread (worker side).
 *
 * @example
 * ```ts
 * import { workerFailure } from "./_worker_inbox.ts";
 * import { ChillFlowError } from "../errors.ts";
 * import assert from "node:assert";
 * assert.equal(workerFailure(new ChillFlowError("CF_INPUT_FILE", "bad file")).error.code, "CF_INPUT_FILE");
 * ```
 */
export function workerFailure(error: unknown): WorkerFailure {
  return { kind: "error", error: serializeError(error) };
}

/**
 * A module worker whose messages are taken one at a time, in the order it
 * posted them; an uncaught error in the worker arrives as a
 * {@linkcode WorkerFailure}.
 *
 * @example
 * ```ts ignore
 * using inbox = new WorkerInbox<TripKeyMessage>(new URL("./_trip_key_worker.ts", import.meta.url));
 * inbox.post({ path, tripType });
 * const message = await inbox.take();
 * ```
 */
export class WorkerInbox<M> implements Disposable {
  #worker: Worker;
  #queue: (M | WorkerFailure)[] = [];
  #waiting: ((message: M | WorkerFailure) => void) | undefined;

  /** Starts the module worker at `url`. */
  constructor(url: URL) {
    this.#worker = new Worker(url.href, { type: "module" });
    this.#worker.onmessage = (event: MessageEvent<M | WorkerFailure>) => this.#push(event.data);
    this.#worker.onerror = (event: ErrorEvent) => {
      event.preventDefault();
      this.#push({ kind: "error", error: { name: "Error", message: event.message } });
    };
  }

  /** Sends the worker a message. */
  post(message: unknown, transfer: Transferable[] = []): void {
    this.#worker.postMessage(message, transfer);
  }

  /** The worker's next message, waiting for it if need be. */
  take(): Promise<M | WorkerFailure> {
    const message = this.#queue.shift();
    if (message !== undefined) return Promise.resolve(message);
    return new Promise((resolve) => this.#waiting = resolve);
  }

  /** Stops the worker (idempotent). */
  [Symbol.dispose](): void {
    this.#worker.terminate();
  }

  #push(message: M | WorkerFailure): void {
    const waiting = this.#waiting;
    if (waiting === undefined) {
      this.#queue.push(message);
      return;
    }
    this.#waiting = undefined;
    waiting(message);
  }
}
