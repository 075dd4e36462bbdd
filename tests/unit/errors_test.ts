import assert from "node:assert/strict";
import { ChillFlowError, exitCodeOf, redact } from "../../src/errors.ts";

Deno.test("redact() hides passwords in every URL of a text", () => {
  assert.equal(
    redact("a postgres://me:s3cr3t@db:5432/x and redis://:pw@r:6379 end"),
    "a postgres://me:***@db:5432/x and redis://:***@r:6379 end",
  );
  assert.equal(redact("postgres://me@db/x"), "postgres://me@db/x");
  assert.equal(redact("postgres://u:p@ss@db:5432/x"), "postgres://u:***@db:5432/x");
  assert.equal(redact("redis://:p@w@r:6379 and x@y"), "redis://:***@r:6379 and x@y");
});

Deno.test("exitCodeOf() gives 2 for usage errors, 1 otherwise", () => {
  assert.equal(exitCodeOf(new ChillFlowError("CF_USAGE", "x")), 2);
  assert.equal(exitCodeOf(new ChillFlowError("CF_INPUT_FILE", "x")), 1);
  assert.equal(exitCodeOf(new Error("bug")), 1);
});

Deno.test("ChillFlowError keeps code, retryable and cause", () => {
  const cause = new Error("inner");
  const error = new ChillFlowError("CF_STORE_UNREACHABLE", "Cannot connect", {
    cause,
    retryable: true,
  });
  assert.equal(error.code, "CF_STORE_UNREACHABLE");
  assert.equal(error.retryable, true);
  assert.equal(error.cause, cause);
});
