/**
 * A set of 16-byte digests in one open-addressing table of 32-bit words:
 * 3 M keys take 64 MiB, where a `Set<string>` of hex keys takes several
 * hundred. Used for the `duplicate` rule.
 *
 * @module
 */

const WORDS = 4;
const INITIAL_SLOTS = 1 << 14;

/**
 * A growable set of 16-byte digests.
 *
 * @example
 * ```ts
 * import { DigestSet } from "./digest_set.ts";
 * import assert from "node:assert";
 * const set = new DigestSet();
 * const key = new Uint8Array(16).fill(7);
 * assert.equal(set.add(key, 0), true);
 * assert.equal(set.add(key, 0), false);
 * assert.equal(set.size, 1);
 * ```
 */
export class DigestSet {
  #table: Int32Array;
  #mask: number;
  #size = 0;
  // All-zero words mark an empty slot, so the all-zero digest is kept aside.
  #hasZero = false;

  /**
   * Creates an empty set sized for `expected` digests, so that a load whose
   * row count is known never grows (growing briefly holds two tables).
   */
  constructor(expected = 0) {
    let slots = INITIAL_SLOTS;
    while (slots * 3 < expected * 4 + 4) slots *= 2;
    this.#table = new Int32Array(slots * WORDS);
    this.#mask = slots - 1;
  }

  /** Number of digests in the set. */
  get size(): number {
    return this.#size;
  }

  /** Adds the digest at `bytes[at..at+16)`; returns false when it was already there. */
  add(bytes: Uint8Array, at: number): boolean {
    const w0 = _word(bytes, at), w1 = _word(bytes, at + 4);
    const w2 = _word(bytes, at + 8), w3 = _word(bytes, at + 12);
    if ((w0 | w1 | w2 | w3) === 0) {
      if (this.#hasZero) return false;
      this.#hasZero = true;
      this.#size++;
      return true;
    }
    if (!this.#insert(w0, w1, w2, w3)) return false;
    if (++this.#size * 4 > (this.#mask + 1) * 3) this.#grow();
    return true;
  }

  #insert(w0: number, w1: number, w2: number, w3: number): boolean {
    const table = this.#table;
    // The digest is uniformly random already: its first word is the hash.
    for (let slot = w0 & this.#mask;; slot = (slot + 1) & this.#mask) {
      const j = slot * WORDS;
      const t0 = table[j]!, t1 = table[j + 1]!, t2 = table[j + 2]!, t3 = table[j + 3]!;
      if ((t0 | t1 | t2 | t3) === 0) {
        table[j] = w0;
        table[j + 1] = w1;
        table[j + 2] = w2;
        table[j + 3] = w3;
        return true;
      }
      if (t0 === w0 && t1 === w1 && t2 === w2 && t3 === w3) return false;
    }
  }

  #grow(): void {
    const old = this.#table;
    this.#table = new Int32Array(old.length * 2);
    this.#mask = this.#table.length / WORDS - 1;
    for (let j = 0; j < old.length; j += WORDS) {
      if ((old[j]! | old[j + 1]! | old[j + 2]! | old[j + 3]!) !== 0) {
        this.#insert(old[j]!, old[j + 1]!, old[j + 2]!, old[j + 3]!);
      }
    }
  }
}

function _word(bytes: Uint8Array, at: number): number {
  return bytes[at]! | (bytes[at + 1]! << 8) | (bytes[at + 2]! << 16) | (bytes[at + 3]! << 24);
}
