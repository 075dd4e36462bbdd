/**
 * Connections that Deno's `--allow-net` refused. The tasks may reach only
 * loopback hosts, and the clients report a refusal as a network fault (or as
 * nothing clear at all), so each adapter asks here first and says what to do.
 *
 * @module
 */
import { ChillFlowError } from "../errors.ts";

/**
 * Whether `error`, or an error in its `cause` chain, is Deno refusing a
 * connection: `NotCapable` for an address, `EPERM` from `getaddrinfo` for a
 * host name.
 *
 * @example
 * ```ts
 * import { isNetworkDenied } from "./net_denied.ts";
 * import assert from "node:assert/strict";
 * const lookup = Object.assign(new Error("getaddrinfo EPERM db.example"), { code: "EPERM" });
 * assert.equal(isNetworkDenied(new Error("retries exceeded", { cause: lookup })), true);
 * assert.equal(isNetworkDenied(new Error("connect ECONNREFUSED 127.0.0.1:5432")), false);
 * ```
 */
export function isNetworkDenied(error: unknown): boolean {
  for (let e = error, depth = 0; e instanceof Error && depth < 8; e = e.cause, depth++) {
    if (e instanceof Deno.errors.NotCapable) return true;
    const { code } = e as { code?: unknown };
    if (code === "EPERM" && /getaddrinfo/.test(e.message)) return true;
    // Clients that rewrap a refusal keep only its text (kafkajs: "Connection error: ...").
    if (/Requires net access to/.test(e.message)) return true;
  }
  return false;
}

/**
 * The `CF_CONFIG` error for a connection to `service` at `where` that
 * `--allow-net` refused, saying how to grant it.
 *
 * @example
 * ```ts
 * import { networkDeniedError } from "./net_denied.ts";
 * import assert from "node:assert/strict";
 * const error = networkDeniedError("PostgreSQL", "postgres://db.example:5432/test");
 * assert.equal(error.code, "CF_CONFIG");
 * assert.match(error.message, /--allow-net=<host>:<port>/);
 * ```
 */
export function networkDeniedError(
  service: string,
  where: string,
  cause?: unknown,
): ChillFlowError {
  return new ChillFlowError(
    "CF_CONFIG",
    `Cannot connect to ${service} at "${where}": the deno tasks may reach only loopback ` +
      `(127.0.0.1, localhost, [::1]); run the task's module with your hosts, e.g. ` +
      `"deno run --allow-net=<host>:<port> ... tasks/<task>.ts" (README, "Pointing it at real services")`,
    { cause },
  );
}
