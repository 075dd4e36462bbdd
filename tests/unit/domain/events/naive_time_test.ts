import assert from "node:assert/strict";
import { fromNaiveIso, isNaiveIso, toNaiveIso } from "../../../../src/domain/events/naive_time.ts";

Deno.test("toNaiveIso() and fromNaiveIso() round-trip with and without milliseconds", () => {
  for (const ms of [Date.UTC(2024, 0, 1), Date.UTC(2024, 1, 29, 23, 59, 59, 999), 0]) {
    assert.equal(fromNaiveIso(toNaiveIso(ms)), ms);
  }
  assert.equal(toNaiveIso(Date.UTC(2024, 2, 10, 2, 30)), "2024-03-10T02:30:00");
});

Deno.test("fromNaiveIso() rejects zoned or malformed text", () => {
  const texts = [
    "2024-01-01T00:00:00Z",
    "2024-01-01 00:00:00",
    "2024-13-01T00:00:00",
    "",
    "2024-01-01T00:00:00.5",
    "2024-01-01T00:00:00.5000",
    "2024-01-01T00:00:00,500",
    "+024-01-01T00:00:00",
    "2024-0a-01T00:00:00",
    "2024-01-01T00:00:0/",
    "2024-01-01T00:00:00.00:",
    "2024-01-01T00-00:00",
    "2024/01/01T00:00:00",
  ];
  for (const text of texts) {
    assert.throws(() => fromNaiveIso(text), SyntaxError, text);
  }
});

Deno.test("fromNaiveIso() agrees with Date.parse on times of the calendar and refuses the rest", () => {
  const texts = [
    "2024-02-29T12:00:00",
    "2023-02-29T12:00:00",
    "2024-04-31T00:00:00",
    "2024-01-31T23:59:59.999",
    "2024-01-01T24:00:00",
    "2024-01-01T23:60:00",
    "0050-06-15T10:00:00",
    "0100-01-01T00:00:00",
    "0000-01-01T00:00:00",
    "0000-02-29T00:00:00",
    "1900-02-29T00:00:00",
    "2000-02-29T00:00:00",
    "2024-12-31T23:59:59.999",
    "2025-03-01T00:00:00",
    "9999-12-31T23:59:59.001",
    "2024-00-10T00:00:00",
    "2024-01-00T00:00:00",
  ];
  for (let i = 0; i < 2000; i++) {
    // Years 0000 to 9999, half of them with milliseconds.
    const ms = Math.floor(Math.random() * 315_537_897_600_000) - 62_167_219_200_000;
    texts.push(new Date(ms).toISOString().slice(0, 19 + (i % 2) * 4));
  }
  let refused = 0;
  for (const text of texts) {
    const parsed = Date.parse(`${text}Z`);
    // Date.parse rolls Feb 30 over into March and 24:00 into the next day.
    const ofTheCalendar = !Number.isNaN(parsed) &&
      new Date(parsed).toISOString().startsWith(text.length === 19 ? `${text}.000` : text);
    if (ofTheCalendar) assert.equal(fromNaiveIso(text), parsed, text);
    else {
      assert.throws(() => fromNaiveIso(text), SyntaxError, text);
      assert.ok(!isNaiveIso(text), text);
      refused++;
    }
  }
  // 2023-02-29, 2024-04-31, 24:00, 23:60, 1900-02-29, month 00 and day 00.
  assert.equal(refused, 7);
});
