import assert from "node:assert";
import { fromNaiveIso, monthOf, toNaiveIso } from "../../../../src/domain/events/naive_time.ts";

Deno.test("toNaiveIso() and fromNaiveIso() round-trip with and without milliseconds", () => {
  for (const ms of [Date.UTC(2024, 0, 1), Date.UTC(2024, 1, 29, 23, 59, 59, 999), 0]) {
    assert.equal(fromNaiveIso(toNaiveIso(ms)), ms);
  }
  assert.equal(toNaiveIso(Date.UTC(2024, 2, 10, 2, 30)), "2024-03-10T02:30:00");
});

Deno.test("fromNaiveIso() rejects zoned or malformed text", () => {
  for (const text of ["2024-01-01T00:00:00Z", "2024-01-01 00:00:00", "2024-13-01T00:00:00", ""]) {
    assert.throws(() => fromNaiveIso(text), SyntaxError, text);
  }
});

Deno.test("monthOf() names the month of a naive time", () => {
  assert.equal(monthOf(Date.UTC(2023, 11, 31, 23, 59, 59)), "2023-12");
});
