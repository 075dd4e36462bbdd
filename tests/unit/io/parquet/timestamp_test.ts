import assert from "node:assert/strict";
import { NAIVE_TIMESTAMP_PARSERS, naiveMillis } from "../../../../src/io/parquet/timestamp.ts";

const noon = Date.UTC(2024, 6, 1, 12, 0, 0); // no zone or DST may shift it

Deno.test("naiveMillis() converts each unit to the same naive milliseconds", () => {
  assert.equal(naiveMillis(BigInt(noon), "MILLIS"), noon);
  assert.equal(naiveMillis(BigInt(noon) * 1_000n + 999n, "MICROS"), noon);
  assert.equal(naiveMillis(BigInt(noon) * 1_000_000n + 999_999n, "NANOS"), noon);
});

Deno.test("naiveMillis() floors before the epoch", () => {
  assert.equal(naiveMillis(-1n, "MICROS"), -1);
  assert.equal(naiveMillis(-1_000_000n, "NANOS"), -1);
  assert.equal(naiveMillis(-1_000_001n, "NANOS"), -2);
});

Deno.test("naiveMillis() stays exact past 2^53 microseconds", () => {
  const far = 2n ** 60n;
  assert.equal(naiveMillis(far, "MICROS"), Number(far / 1000n));
});

Deno.test("NAIVE_TIMESTAMP_PARSERS return numbers, never Dates", () => {
  const value = NAIVE_TIMESTAMP_PARSERS.timestampFromMicroseconds(BigInt(noon) * 1000n);
  assert.equal(typeof value, "number");
  assert.equal(value, noon);
});
