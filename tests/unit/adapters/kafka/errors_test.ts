import assert from "node:assert/strict";
import { MultipleErrors, NetworkError, ResponseError, UserError } from "@platformatic/kafka";
import { toBusError } from "../../../../src/adapters/kafka/_errors.ts";
import { ChillFlowError } from "../../../../src/errors.ts";

const BROKERS = ["127.0.0.1:1"];

function bus(error: unknown): ChillFlowError {
  const mapped = toBusError(error, BROKERS, 'publishing to "t"');
  assert.ok(mapped instanceof ChillFlowError, String(mapped));
  assert.doesNotMatch(mapped.message, /\n/);
  return mapped;
}

Deno.test("toBusError() maps platformatic's exhausted connection retries to one CF_BUS_UNREACHABLE line", () => {
  const refused = () =>
    new NetworkError("Connection to 127.0.0.1:1 failed.", {
      cause: Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:1"), { code: "ECONNREFUSED" }),
    });
  const attempts = [1, 2, 3].map(() =>
    new MultipleErrors("Cannot connect to any broker.", [refused()])
  );
  const error = bus(new MultipleErrors("initProducerId failed 3 times.", attempts));
  assert.equal(error.code, "CF_BUS_UNREACHABLE");
  assert.ok(error.retryable);
  assert.equal(
    error.message,
    'Cannot reach Kafka at 127.0.0.1:1 while publishing to "t": ' +
      "Connection to 127.0.0.1:1 failed: connect ECONNREFUSED 127.0.0.1:1",
  );
});

Deno.test("toBusError() maps platformatic's broker refusals and misuse to CF_BUS with the broker's words", () => {
  const tooLarge = new ResponseError(0, 11, {
    "/responses/0/partition_responses/0": [
      10,
      "The request included a message larger than the max message size the server will accept.",
    ],
  }, {});
  const error = bus(new MultipleErrors("produce failed 1 times.", [tooLarge]));
  assert.equal(error.code, "CF_BUS");
  assert.match(error.message, /^Kafka at .* failed while publishing to "t": .*larger than the max/);
  assert.equal(bus(new UserError("Unknown topic t.")).message.endsWith(": Unknown topic t."), true);
});

Deno.test("toBusError() leaves permission errors and bugs alone, and still maps kafkajs errors", () => {
  const denied = new Deno.errors.NotCapable("Requires net access to 127.0.0.1:1");
  const wrapped = new MultipleErrors("produce failed 1 times.", [
    new NetworkError("Connection to 127.0.0.1:1 failed.", { cause: denied }),
  ]);
  assert.equal(toBusError(wrapped, BROKERS, "publishing"), denied);
  const bug = new TypeError("x is undefined");
  assert.equal(toBusError(bug, BROKERS, "publishing"), bug);
  const kafkajs = Object.assign(new Error("Connection error: connect ECONNREFUSED"), {
    name: "KafkaJSConnectionError",
  });
  assert.equal(bus(kafkajs).code, "CF_BUS_UNREACHABLE");
});
