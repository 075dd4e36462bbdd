/**
 * Makes kafkajs 2.2.4 decode records without 64-bit arithmetic where a
 * double is exact. kafkajs reads each record's timestamp delta, a zigzag
 * varlong, with BigInt-backed `Long`s (four objects per byte), and parses the
 * batch's base timestamp and offset from their strings again for every
 * record: together about a tenth of what the assembler allocates. kafkajs is
 * unmaintained, so we patch two methods of the copy the bus loads (the
 * specifiers pin the same version as deno.json), keeping their results: a
 * varlong of up to 7 bytes (49 bits) is decoded as a number and a longer one
 * by the original method; the last two strings parsed are remembered with
 * their `Long`s, which are immutable.
 *
 * @module
 */
// @ts-types="./_kafkajs_decoder.d.ts"
import Decoder from "npm:kafkajs@2.2.4/src/protocol/decoder.js";
// @ts-types="./_kafkajs_long.d.ts"
import Long from "npm:kafkajs@2.2.4/src/utils/long.js";

const readVarLong = Decoder.prototype.readVarLong;
Decoder.prototype.readVarLong = function (this: Decoder): Long {
  const buffer = this.buffer;
  let at = this.offset;
  let n = 0;
  let scale = 1;
  for (let i = 0; i < 7; i++) {
    const byte = buffer[at++];
    if (byte === undefined) break;
    n += (byte & 0x7f) * scale;
    if (byte < 0x80) {
      this.offset = at;
      return Long.fromNumber(n % 2 === 0 ? n / 2 : -(n + 1) / 2);
    }
    scale *= 128;
  }
  return readVarLong.call(this);
};

const fromString = Long.fromString;
// Two slots, not a list: the batch filter parses every record's own offset,
// so most calls miss, and a miss must not allocate.
let lastText: string | undefined;
let lastLong: Long | undefined;
let previousText: string | undefined;
let previousLong: Long | undefined;
Long.fromString = function (text: string): Long {
  if (text === lastText) return lastLong!;
  if (text === previousText) return previousLong!;
  const long = fromString.call(Long, text);
  previousText = lastText;
  previousLong = lastLong;
  lastText = text;
  lastLong = long;
  return long;
};
