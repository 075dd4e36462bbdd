import assert from "node:assert/strict";
import { DigestSet } from "../../../../src/domain/curation/digest_set.ts";

Deno.test("DigestSet.add() keeps 200,000 random digests through growth, exactly once each", () => {
  const set = new DigestSet();
  const keys = _random(16 * 50_000);
  for (let round = 0; round < 4; round++) {
    const batch = round === 0 ? keys : _random(16 * 50_000);
    for (let i = 0; i < 50_000; i++) assert.equal(set.add(batch, i * 16), true);
  }
  for (let i = 0; i < 50_000; i++) assert.equal(set.add(keys, i * 16), false);
  assert.equal(set.size, 200_000);
});

Deno.test("DigestSet.add() tells digests apart that share their first 12 bytes", () => {
  const set = new DigestSet();
  const a = new Uint8Array(16).fill(9);
  const b = a.slice();
  b[15] = 10;
  assert.equal(set.add(a, 0), true);
  assert.equal(set.add(b, 0), true);
  assert.equal(set.add(b, 0), false);
});

Deno.test("DigestSet.add() handles the all-zero digest", () => {
  const set = new DigestSet();
  const zero = new Uint8Array(16);
  assert.equal(set.add(zero, 0), true);
  assert.equal(set.add(zero, 0), false);
  assert.equal(set.size, 1);
});

function _random(length: number): Uint8Array {
  const bytes = new Uint8Array(length);
  for (let at = 0; at < length; at += 65_536) {
    crypto.getRandomValues(bytes.subarray(at, Math.min(length, at + 65_536)));
  }
  return bytes;
}
