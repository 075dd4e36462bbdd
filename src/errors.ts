/**
 * One error base for everything a user can cause or fix, with stable codes.
 * Tasks print a `ChillFlowError` as one `code: message` line (no stack) and
 * exit non-zero; anything else is a bug and keeps its stack.
 *
 * @module
 */

/** The stable error codes; the README's error catalogue lists each one. */
export type ErrorCode =
  | "CF_USAGE"
  | "CF_INPUT_FILE"
  | "CF_PARQUET_SCHEMA"
  | "CF_ZONE_FILE"
  | "CF_CONFIG"
  | "CF_STORE_UNREACHABLE"
  | "CF_STORE"
  | "CF_BUS_UNREACHABLE"
  | "CF_BUS"
  | "CF_CACHE_UNREACHABLE"
  | "CF_DOWNLOAD"
  | "CF_VERIFY_MISMATCH";

/** Options of {@linkcode ChillFlowError}. */
export interface ChillFlowErrorOptions {
  /** The underlying error, kept for debugging, never printed to users. */
  cause?: unknown;
  /** Whether trying the same operation again may succeed. */
  retryable?: boolean;
}

/**
 * An error a user can act on: bad input, bad flags, an unreachable service.
 *
 * @example Throw and catch by code
 * ```ts
 * import { ChillFlowError } from "./errors.ts";
 * import assert from "node:assert";
 * const err = new ChillFlowError("CF_INPUT_FILE", 'Cannot read "x.parquet": file is empty');
 * assert.equal(err.code, "CF_INPUT_FILE");
 * ```
 */
export class ChillFlowError extends Error {
  /** Stable machine-readable code. */
  readonly code: ErrorCode;
  /** Whether trying again may succeed. */
  readonly retryable: boolean;

  /** Creates an error with a code and a one-line message. */
  constructor(code: ErrorCode, message: string, options: ChillFlowErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.name = "ChillFlowError";
    this.code = code;
    this.retryable = options.retryable ?? false;
  }
}

/**
 * Removes the password from any URL-looking substring, so connection strings
 * can appear in messages.
 *
 * @example
 * ```ts
 * import { redact } from "./errors.ts";
 * import assert from "node:assert";
 * assert.equal(redact("postgres://u:secret@h/db"), "postgres://u:***@h/db");
 * ```
 */
export function redact(text: string): string {
  // Up to the last "@" before the host: postgres.js takes a raw "@" in a password.
  return text.replace(/(\b[a-z][a-z0-9+.-]*:\/\/[^:/@\s]*:)[^\s/]*@/gi, "$1***@");
}

/**
 * The process exit code for an error: 2 for usage errors, 1 for the rest.
 *
 * @example
 * ```ts
 * import { ChillFlowError, exitCodeOf } from "./errors.ts";
 * import assert from "node:assert";
 * assert.equal(exitCodeOf(new ChillFlowError("CF_USAGE", "Unknown flag")), 2);
 * ```
 */
export function exitCodeOf(error: unknown): number {
  return error instanceof ChillFlowError && error.code === "CF_USAGE" ? 2 : 1;
}

/**
 * An error as a worker posts it to the main thread. Structured cloning keeps
 * no class, so a `ChillFlowError` travels as its code and retry flag, and
 * anything else as its name, message and stack.
 */
export interface SerializedError {
  /** The error's `name`, e.g. `TypeError` or `ChillFlowError`. */
  name: string;
  /** The error's message (for a non-`Error` thrown value, its string form). */
  message: string;
  /** The stack of an `Error` other than a `ChillFlowError` (users see those without one). */
  stack?: string;
  /** The {@linkcode ChillFlowError} code; present only for one. */
  code?: ErrorCode;
  /** Whether trying again may succeed; present only for a {@linkcode ChillFlowError}. */
  retryable?: boolean;
}

/**
 * The {@linkcode SerializedError} of anything thrown (worker side).
 *
 * @example
 * ```ts
 * import { ChillFlowError, serializeError } from "./errors.ts";
 * import assert from "node:assert";
 * const sent = serializeError(new ChillFlowError("CF_BUS", "refused", { retryable: true }));
 * assert.deepEqual([sent.code, sent.retryable], ["CF_BUS", true]);
 * ```
 */
export function serializeError(error: unknown): SerializedError {
  if (!(error instanceof Error)) return { name: "Error", message: String(error) };
  return error instanceof ChillFlowError
    ? { name: error.name, message: error.message, code: error.code, retryable: error.retryable }
    : { name: error.name, message: error.message, stack: error.stack };
}

/**
 * The error to throw for a {@linkcode SerializedError} (main side): a
 * `ChillFlowError` with its code and retry flag, or an `Error` with the
 * original name and stack.
 *
 * @example
 * ```ts
 * import { ChillFlowError, deserializeError, serializeError } from "./errors.ts";
 * import assert from "node:assert";
 * const back = deserializeError(serializeError(new ChillFlowError("CF_INPUT_FILE", "empty")));
 * assert.ok(back instanceof ChillFlowError && back.code === "CF_INPUT_FILE");
 * assert.equal(deserializeError(serializeError(new TypeError("x"))).name, "TypeError");
 * ```
 */
export function deserializeError(sent: SerializedError): Error {
  if (sent.code !== undefined) {
    return new ChillFlowError(sent.code, sent.message, { retryable: sent.retryable });
  }
  const error = Object.assign(new Error(sent.message), { name: sent.name });
  if (sent.stack !== undefined) error.stack = sent.stack;
  return error;
}
