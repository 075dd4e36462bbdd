import assert from "node:assert/strict";
import { createRng } from "../../../../src/io/synth/rng.ts";

Deno.test("createRng() repeats its sequence for a seed and differs across seeds", () => {
  const draw = (seed: string) => {
    const rng = createRng(seed);
    return Array.from({ length: 5 }, () => rng.next());
  };
  assert.deepEqual(draw("a"), draw("a"));
  assert.notDeepEqual(draw("a"), draw("b"));
});

Deno.test("createRng() int() stays in range and covers it evenly", () => {
  const rng = createRng(1);
  const counts = new Array(10).fill(0);
  for (let i = 0; i < 100_000; i++) counts[rng.int(10)]++;
  for (const count of counts) assert.ok(count > 9_500 && count < 10_500, `bucket ${count}`);
});
