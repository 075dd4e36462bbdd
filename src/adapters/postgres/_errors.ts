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

/**
 * Maps a failure to connect into `CF_STORE_UNREACHABLE` (`CF_CONFIG` when
 * `--allow-net` refused it) with the URL's password redacted; returns any
 * other error unchanged.
 */
export function _toConnectError(error: unknown, url: string): unknown {
  if (isNetworkDenied(error)) return networkDeniedError("PostgreSQL", redact(url), error);
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== "string") return error;
  const network = NETWORK_CODES[code];
  const reason = network ?? SERVER_CODES[code];
  if (reason === undefined) return error;
  const hint = network === undefined
    ? "check the user, password and database in the URL"
    : 'start it with "deno task services:up"';
  return new ChillFlowError(
    "CF_STORE_UNREACHABLE",
    `Cannot connect to PostgreSQL at "${redact(url)}": ${reason}; ${hint}, ` +
      `or unset DATABASE_URL to use the embedded database`,
    { cause: error, retryable: network !== undefined },
  );
}
