import assert from "node:assert/strict";
import { fillNumeric, fillStrings } from "../../../../src/io/parquet/fill_column.ts";

Deno.test("fillNumeric() copies typed arrays at an offset", () => {
  const target = new Float64Array(5).fill(-1);
  fillNumeric(target, 2, new Int32Array([7, 8]));
  assert.deepEqual([...target], [-1, -1, 7, 8, -1]);
});

Deno.test("fillNumeric() reads BigInt64Array exactly, including negatives and large values", () => {
  const values = [0n, -1n, 2n ** 40n + 3n, -(2n ** 52n), 2n ** 62n];
  const target = new Float64Array(values.length);
  fillNumeric(target, 0, BigInt64Array.from(values));
  assert.deepEqual([...target], values.map(Number));
});

Deno.test("fillNumeric() turns null and undefined into NaN in plain arrays", () => {
  const target = new Float64Array(4);
  fillNumeric(target, 0, [1.5, null, undefined, 3n] as unknown as number[]);
  assert.equal(target[0], 1.5);
  assert.ok(Number.isNaN(target[1]!));
  assert.ok(Number.isNaN(target[2]!));
  assert.equal(target[3], 3);
});

Deno.test("fillStrings() keeps strings and turns other values into text or null", () => {
  const target: (string | null)[] = new Array(3).fill("x");
  fillStrings(target, 0, ["Y", null, 1] as unknown as string[]);
  assert.deepEqual(target, ["Y", null, "1"]);
});
