/**
 * Kafka client errors as `ChillFlowError`s: kafkajs's (admin, consumer
 * groups) and @platformatic/kafka's (producer).
 *
 * @module
 */
import { ChillFlowError, redact } from "../../errors.ts";
import { isNetworkDenied, networkDeniedError } from "../net_denied.ts";

const KAFKAJS_UNREACHABLE = new Set([
  "KafkaJSConnectionError",
  "KafkaJSConnectionClosedError",
  "KafkaJSNoBrokerAvailableError",
  "KafkaJSBrokerNotFound",
  "KafkaJSRequestTimeoutError",
]);

/**
 * @platformatic/kafka's codes of a broker that cannot be reached or does not
 * answer. Its errors are plain `Error`s and `AggregateError`s told apart by
 * `code`; retries nest the attempts' errors in `errors`, causes in `cause`.
 */
const PLATFORMATIC_UNREACHABLE = new Set(["PLT_KFK_NETWORK", "PLT_KFK_TIMEOUT"]);

/**
 * Maps a kafkajs or @platformatic/kafka error to a ChillFlowError: connection
 * failures anywhere in the cause chain become `CF_BUS_UNREACHABLE`, a connection
 * `--allow-net` refused `CF_CONFIG`, the rest `CF_BUS`. Messages are one line, name
 * the brokers but never credentials. Other permission errors and anything else
 * (bugs) are returned as they are.
 *
 * @example
 * ```ts
 * import { toBusError } from "./_errors.ts";
 * import assert from "node:assert";
 * const refused = Object.assign(new Error("Connection to 127.0.0.1:1 failed."), {
 *   code: "PLT_KFK_NETWORK",
 * });
 * const error = toBusError(refused, ["127.0.0.1:1"], 'publishing to "t"');
 * assert.equal((error as { code?: string }).code, "CF_BUS_UNREACHABLE");
 * ```
 */
export function toBusError(error: unknown, brokers: readonly string[], doing: string): Error {
  if (!(error instanceof Error)) return error as Error;
  const where = redact(brokers.join(","));
  if (isNetworkDenied(error)) return networkDeniedError("Kafka", where, error);
  if (error.name.startsWith("KafkaJS")) return _fromKafkajs(error, where, doing);
  if (_isPlatformatic(error)) return _fromPlatformatic(error, where, doing);
  // Permission errors and bugs are not Kafka's doing: keep them as they are.
  return error;
}

function _fromKafkajs(error: Error, where: string, doing: string): Error {
  for (let e: unknown = error; e instanceof Error; e = _kafkajsCause(e)) {
    if (KAFKAJS_UNREACHABLE.has(e.name)) {
      return new ChillFlowError(
        "CF_BUS_UNREACHABLE",
        `Cannot reach Kafka at ${where} while ${doing}: ${_line(e.message)}`,
        { cause: error, retryable: true },
      );
    }
  }
  return new ChillFlowError(
    "CF_BUS",
    `Kafka at ${where} failed while ${doing}: ${_line(error.message)}`,
    { cause: error },
  );
}

function _kafkajsCause(error: Error): unknown {
  // kafkajs keeps the underlying error in `originalError` (retries) or `cause`.
  return (error as { originalError?: unknown }).originalError ?? error.cause;
}

function _isPlatformatic(error: Error): boolean {
  const { code } = error as { code?: unknown };
  return typeof code === "string" && code.startsWith("PLT_KFK_");
}

function _fromPlatformatic(error: Error, where: string, doing: string): Error {
  const chain = _platformaticChain(error);
  const denied = chain.find((e) =>
    e instanceof Deno.errors.NotCapable || e instanceof Deno.errors.PermissionDenied
  );
  if (denied !== undefined) return denied;
  const unreachable = chain.find((e) =>
    PLATFORMATIC_UNREACHABLE.has((e as { code?: string }).code ?? "")
  );
  if (unreachable !== undefined) {
    const cause = unreachable.cause instanceof Error ? `: ${unreachable.cause.message}` : "";
    const what = unreachable.message.replace(/\.$/, "") + cause;
    return new ChillFlowError(
      "CF_BUS_UNREACHABLE",
      `Cannot reach Kafka at ${where} while ${doing}: ${_line(what)}`,
      { cause: error, retryable: true },
    );
  }
  // The innermost messages say what the broker refused; the wrappers only count attempts.
  const leaves = [...new Set(chain.filter((e) => _nested(e).length === 0).map((e) => e.message))];
  const shown = leaves.length === 0 ? [error.message] : leaves.slice(0, 3);
  return new ChillFlowError(
    "CF_BUS",
    `Kafka at ${where} failed while ${doing}: ${_line(shown.join("; "))}`,
    { cause: error },
  );
}

/** The error and every error nested in it (attempts, causes), depth first. */
function _platformaticChain(error: Error): Error[] {
  const seen = new Set<Error>();
  const visit = (e: Error) => {
    if (seen.has(e) || seen.size > 100) return;
    seen.add(e);
    for (const inner of _nested(e)) visit(inner);
  };
  visit(error);
  return [...seen];
}

function _nested(error: Error): Error[] {
  const inner = error instanceof AggregateError ? [...error.errors] : [];
  if (error.cause !== undefined) inner.push(error.cause);
  return inner.filter((e): e is Error => e instanceof Error);
}

/** One line, redacted. */
function _line(text: string): string {
  return redact(text.replace(/\s+/g, " ").trim());
}
