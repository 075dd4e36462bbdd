// The part of kafkajs's internal Encoder that record_decode_fix_test.ts uses.
import type Long from "../../../../src/adapters/kafka/_kafkajs_long.d.ts";
declare class Encoder {
  writeVarLong(value: Long): Encoder;
  readonly buffer: Uint8Array;
}
export default Encoder;
