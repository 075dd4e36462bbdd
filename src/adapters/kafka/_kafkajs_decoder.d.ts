// The part of kafkajs's internal Decoder that _record_decode_fix.ts patches.
import type Long from "./_kafkajs_long.d.ts";
declare class Decoder {
  constructor(buffer: Uint8Array);
  buffer: Uint8Array;
  offset: number;
  readVarLong(): Long;
}
export default Decoder;
