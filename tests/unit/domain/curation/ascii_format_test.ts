import assert from "node:assert/strict";
import { writeNaiveTimestamp, writeNumber } from "../../../../src/domain/curation/ascii_format.ts";

const buf = new Uint8Array(64);
const decode = (end: number) => new TextDecoder().decode(buf.subarray(0, end));

Deno.test("writeNumber() matches String() on money, integers and odd doubles", () => {
  const values = [
    0,
    -0,
    5,
    -7,
    10.25,
    0.3,
    -0.5,
    99.99,
    1422.6,
    201421.68,
    0.1 + 0.2,
    1 / 3,
    1e-7,
    5e-324,
    1e15,
    1e21,
    -1e300,
    2 ** 53 + 2,
    999999999999.99,
    1.005,
    17.05,
    NaN,
    Infinity,
  ];
  for (let i = -5000; i < 5000; i++) values.push(i / 100, i / 10, i * 1.1);
  for (const value of values) {
    const expected = Object.is(value, -0) ? "0" : String(value);
    assert.equal(decode(writeNumber(buf, 0, value)), expected, `value ${value}`);
  }
});

Deno.test("writeNaiveTimestamp() never shifts by zone and prints ms only when non-zero", () => {
  const cases: [number, string][] = [
    [Date.UTC(2024, 0, 1, 0, 57, 55), "2024-01-01 00:57:55"],
    [Date.UTC(2024, 1, 29, 23, 59, 59, 5), "2024-02-29 23:59:59.005"],
    [Date.UTC(1969, 11, 31, 23, 0, 0, 250), "1969-12-31 23:00:00.250"],
    [Date.UTC(2002, 11, 31, 1, 2, 3, 999.9), "2002-12-31 01:02:03.999"],
    [Date.UTC(12000, 0, 1), "+012000-01-01 00:00:00"],
  ];
  for (const [ms, expected] of cases) {
    assert.equal(decode(writeNaiveTimestamp(buf, 0, ms, 32)), expected);
  }
});
