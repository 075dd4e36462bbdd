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
  | "CF_VERIFY_MISMATCH"
  | "CF_EVENT_INVALID";

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
  return text.replace(/(\b[a-z][a-z0-9+.-]*:\/\/[^:/@\s]*:)[^@\s]*@/gi, "$1***@");
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
