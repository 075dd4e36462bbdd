import { ChillFlowError, redact } from "../../errors.ts";

const UNREACHABLE = new Set([
  "KafkaJSConnectionError",
  "KafkaJSConnectionClosedError",
  "KafkaJSNoBrokerAvailableError",
  "KafkaJSBrokerNotFound",
  "KafkaJSRequestTimeoutError",
]);

/**
 * Maps a kafkajs error to a ChillFlowError: connection failures anywhere in
 * the cause chain become `CF_BUS_UNREACHABLE`, the rest `CF_BUS`. Messages
 * name the brokers but never credentials.
 */
export function toBusError(error: unknown, brokers: readonly string[], doing: string): Error {
  // Permission errors and bugs are not Kafka's doing: keep them as they are.
  if (!(error instanceof Error) || !error.name.startsWith("KafkaJS")) return error as Error;
  const where = redact(brokers.join(","));
  for (let e: unknown = error; e instanceof Error; e = _cause(e)) {
    if (UNREACHABLE.has(e.name)) {
      return new ChillFlowError(
        "CF_BUS_UNREACHABLE",
        `Cannot reach Kafka at ${where} while ${doing}: ${redact(e.message)}`,
        { cause: error, retryable: true },
      );
    }
  }
  const message = error instanceof Error ? error.message : String(error);
  return new ChillFlowError(
    "CF_BUS",
    `Kafka at ${where} failed while ${doing}: ${redact(message)}`,
    {
      cause: error,
    },
  );
}

function _cause(error: Error): unknown {
  // kafkajs keeps the underlying error in `originalError` (retries) or `cause`.
  return (error as { originalError?: unknown }).originalError ?? error.cause;
}
