import assert from "node:assert/strict";
// @ts-types="../../../../src/adapters/kafka/_kafkajs_decoder.d.ts"
import Decoder from "npm:kafkajs@2.2.4/src/protocol/decoder.js";
// @ts-types="../../../../src/adapters/kafka/_kafkajs_long.d.ts"
import Long from "npm:kafkajs@2.2.4/src/utils/long.js";
// @ts-types="./_kafkajs_encoder.d.ts"
import Encoder from "npm:kafkajs@2.2.4/src/protocol/encoder.js";
import "../../../../src/adapters/kafka/_record_decode_fix.ts";

// Around every width the fast path reads (1..7 bytes) and the original takes over (8..10).
const VALUES: bigint[] = [
  0n,
  1n,
  -1n,
  63n,
  -64n,
  64n,
  1_700_000_000_000n,
  -(2n ** 63n),
  2n ** 63n - 1n,
];
for (let bits = 6n; bits <= 62n; bits++) {
  for (const delta of [-1n, 0n, 1n]) VALUES.push(2n ** bits + delta, -(2n ** bits) + delta);
}

Deno.test("record decode fix: every varlong decodes to what kafkajs's encoder wrote, and the next one follows", () => {
  for (const value of VALUES) {
    const encoder = new Encoder().writeVarLong(Long.fromString(String(value))).writeVarLong(
      Long.fromString("-5"),
    );
    const decoder = new Decoder(encoder.buffer);
    assert.equal(decoder.readVarLong().toString(), String(value), String(value));
    assert.equal(decoder.readVarLong().toString(), "-5", `after ${value}`);
    assert.equal(decoder.offset, encoder.buffer.length);
  }
});

Deno.test("record decode fix: a varlong cut short decodes as kafkajs did", () => {
  // kafkajs reads missing bytes as 0 and stops: the fast path leaves such input to it.
  const decoder = new Decoder(new Uint8Array([0x81, 0x80]));
  assert.equal(decoder.readVarLong().toString(), "-1");
});

Deno.test("record decode fix: strings parse to the same Long, remembered or not", () => {
  for (const text of ["1700000000000", "42", "1700000000000", "-9223372036854775808", "42"]) {
    assert.equal(Long.fromString(text).toString(), text);
  }
  assert.throws(() => Long.fromString(""));
});
