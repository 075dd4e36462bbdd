import assert from "node:assert/strict";
import { logLevel } from "kafkajs";
import { quietLogCreator } from "../../../../src/adapters/kafka/_log.ts";

function logged(namespace: string, message: string): string[] {
  const lines: string[] = [];
  const error = console.error;
  console.error = (...a: unknown[]) => lines.push(a.join(" "));
  try {
    quietLogCreator("error")(logLevel.ERROR)({
      namespace,
      level: logLevel.ERROR,
      label: "ERROR",
      log: { message, timestamp: "t" },
    });
  } finally {
    console.error = error;
  }
  return lines;
}

Deno.test("quietLogCreator() drops a consumer's restart while a new group's coordinator loads, and keeps other crashes", () => {
  const loading =
    "Crash: KafkaJSProtocolError: The coordinator is loading and hence can't process requests";
  assert.deepEqual(logged("Consumer", loading), []);
  assert.deepEqual(logged("Consumer", "Crash: KafkaJSError: boom"), [
    "kafkajs ERROR Crash: KafkaJSError: boom",
  ]);
  assert.deepEqual(logged("Connection", "Connection error: ECONNREFUSED"), []);
});
