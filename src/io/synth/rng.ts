/**
 * A small seeded pseudo-random generator, so a synthetic month is the same
 * bytes for the same seed on every machine.
 *
 * @module
 */

/** A deterministic source of random numbers. */
export interface Rng {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [0, n). */
  int(n: number): number;
}

/**
 * Creates a generator from a seed (sfc32 seeded through a string hash).
 *
 * @param seed Any text or number; equal seeds give equal sequences.
 * @returns The generator.
 *
 * @example
 * ```ts
 * import { createRng } from "./rng.ts";
 * import assert from "node:assert";
 * const a = createRng("42"), b = createRng("42");
 * assert.equal(a.next(), b.next());
 * assert.ok(a.int(10) < 10);
 * ```
 */
export function createRng(seed: string | number): Rng {
  let [a, b, c, d] = _hashSeed(String(seed));
  const next = (): number => {
    // sfc32: 128-bit state, passes PractRand to 2^40+ bytes; plenty for test data.
    a >>>= 0, b >>>= 0, c >>>= 0, d >>>= 0;
    const t = (a + b | 0) + d | 0;
    d = d + 1 | 0;
    a = b ^ b >>> 9;
    b = c + (c << 3) | 0;
    c = c << 21 | c >>> 11;
    c = c + t | 0;
    return (t >>> 0) / 4294967296;
  };
  for (let i = 0; i < 12; i++) next();
  return { next, int: (n: number): number => Math.floor(next() * n) };
}

// cyrb128: spreads any seed text over four 32-bit words.
function _hashSeed(text: string): [number, number, number, number] {
  let h1 = 1779033703, h2 = 3144134277, h3 = 1013904242, h4 = 2773480762;
  for (let i = 0; i < text.length; i++) {
    const k = text.charCodeAt(i);
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067);
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233);
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213);
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179);
  }
  h1 = Math.imul(h3 ^ h1 >>> 18, 597399067);
  h2 = Math.imul(h4 ^ h2 >>> 22, 2869860233);
  h3 = Math.imul(h1 ^ h3 >>> 17, 951274213);
  h4 = Math.imul(h2 ^ h4 >>> 19, 2716044179);
  return [(h1 ^ h2 ^ h3 ^ h4) >>> 0, (h2 ^ h1) >>> 0, (h3 ^ h1) >>> 0, (h4 ^ h1) >>> 0];
}
