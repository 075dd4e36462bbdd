// The part of kafkajs's internal Long that _record_decode_fix.ts patches and calls.
declare class Long {
  static fromNumber(value: number): Long;
  static fromString(text: string): Long;
  toString(): string;
}
export default Long;
