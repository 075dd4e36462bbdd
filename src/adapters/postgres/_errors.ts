import { ChillFlowError, redact } from "../../errors.ts";
import { isNetworkDenied, networkDeniedError } from "../net_denied.ts";

const NETWORK_CODES: Record<string, string> = {
  ECONNREFUSED: "connection refused",
  ECONNRESET: "connection reset",
  ETIMEDOUT: "connection timed out",
  CONNECT_TIMEOUT: "connection timed out",
  EHOSTUNREACH: "host unreachable",
  ENETUNREACH: "network unreachable",
  ENOTFOUND: "host not found",
  EAI_AGAIN: "host not found",
  CONNECTION_CLOSED: "connection closed by the server",
  // SQLSTATE of a backend ended by pg_terminate_backend or a server shutdown.
  "57P01": "connection terminated by the server",
};

// SQLSTATEs that mean "this URL cannot be used" rather than a bug in our SQL.
const SERVER_CODES: Record<string, string> = {
  "28000": "authentication rejected",
  "28P01": "password authentication failed",
  "3D000": "database does not exist",
  "57P03": "server is starting up or shutting down",
  "53300": "too many connections",
};

// SQLSTATEs of a server out of room: the operator's to fix, not a bug in our SQL.
const RESOURCE_CODES: Record<string, string> = {
  "53100": "is out of disk space",
  "53200": "is out of memory",
  "58030": "cannot read or write its files",
};

/**
 * Maps a failure to connect into `CF_STORE_UNREACHABLE` (`CF_CONFIG` when
 * `--allow-net` refused it) and a server out of disk space or memory into
 * `CF_STORE`, as is a right the user lacks, with the URL's password redacted; returns any other error
 * unchanged.
 *
 * @example
 * ```ts
 * import { _toStoreError } from "./_errors.ts";
 * import assert from "node:assert";
 * const full = Object.assign(new Error("could not extend file: No space left on device"), {
 *   code: "53100",
 * });
 * const error = _toStoreError(full, "postgres://u:secret@db/x") as Error;
 * assert.match(error.message, /^The PostgreSQL server at "postgres:\/\/u:\*\*\*@db\/x" is out of disk space/);
 * ```
 */
export function _toStoreError(error: unknown, url: string): unknown {
  if (isNetworkDenied(error)) return networkDeniedError("PostgreSQL", redact(url), error);
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== "string") return error;
  if (code === "42704" && /configuration parameter/.test((error as Error).message)) {
    // postgres.js sends every query parameter it does not know to the server as a setting.
    return new ChillFlowError(
      "CF_CONFIG",
      `The PostgreSQL server at "${redact(url)}" refused a setting of the URL's query: ` +
        `${(error as Error).message}`,
      { cause: error },
    );
  }
  if (code === "42501") {
    return new ChillFlowError(
      "CF_STORE",
      `The PostgreSQL user of "${redact(url)}" may not do this: ${(error as Error).message}; ` +
        "grant the right, or choose a --schema the user owns",
      { cause: error },
    );
  }
  const resource = RESOURCE_CODES[code];
  if (resource !== undefined) {
    return new ChillFlowError(
      "CF_STORE",
      `The PostgreSQL server at "${redact(url)}" ${resource} (${(error as Error).message}); ` +
        "nothing of this transaction was kept: make room and run the task again",
      { cause: error, retryable: true },
    );
  }
  const network = NETWORK_CODES[code];
  const reason = network ?? SERVER_CODES[code];
  if (reason === undefined) return error;
  const tls = /[?&]sslmode=(require|verify-full|prefer|allow)\b/.exec(url)?.[1];
  const hint = network === undefined
    ? "check the user, password and database in the URL"
    : tls !== undefined && code === "ECONNRESET"
    ? `the URL asks for TLS (sslmode=${tls}): does the server accept it?`
    : 'start it with "deno task services:up"';
  return new ChillFlowError(
    "CF_STORE_UNREACHABLE",
    `Cannot connect to PostgreSQL at "${redact(url)}": ${reason}; ${hint}, ` +
      `or unset DATABASE_URL to use the embedded database`,
    { cause: error, retryable: network !== undefined },
  );
}
