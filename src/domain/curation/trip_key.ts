/**
 * `trip_key`: a content hash of the canonical raw row.
 *
 * Canonical text: the 23 `RAW_TRIP_FIELDS` in order, joined with `|`; null is
 * `\N`; numbers are JavaScript `String(n)` (shortest round-trip, `-0` is `0`);
 * timestamps are naive ISO `YYYY-MM-DDTHH:MM:SS`, plus `.sss` only when the
 * milliseconds are non-zero; strings as they are. The key is the lowercase
 * hex of the first 16 bytes of SHA-256 of the UTF-8 text.
 *
 * @module
 */
import type { RawTrip } from "../../../schemas/raw_trip.ts";
import { batchFromRows, type RawTripBatch } from "../raw_trip_batch.ts";
import { writeAscii, writeNaiveTimestamp, writeNumber } from "./ascii_format.ts";
import { sha256Prefix16 } from "./_sha256.ts";

/** Bytes of one key. */
export const TRIP_KEY_BYTES = 16;

const PIPE = 124;
const LETTER_T = 84;
const HEX_CODES = Uint8Array.from("0123456789abcdef", (c) => c.charCodeAt(0));
/** The value of each lowercase hex digit's char code, -1 for every other code below 128. */
const _HEX_VALUES = Int8Array.from({ length: 128 }, (_, code) => HEX_CODES.indexOf(code));
const _decoder = new TextDecoder();
let _scratch = new Uint8Array(1024);

/**
 * Writes the canonical text of row `i` of `batch` into `buf` from `pos` and
 * returns the end position. `buf` needs `rowTextCapacity(batch, i)` free bytes.
 *
 * @example
 * ```ts
 * import { batchFromRows } from "../raw_trip_batch.ts";
 * import { rowTextCapacity, writeCanonicalText } from "./trip_key.ts";
 * import assert from "node:assert";
 * const row = {
 *   trip_type: "green", vendor_id: 2, pickup_ts: Date.UTC(2024, 0, 1, 0, 57, 55),
 *   dropoff_ts: Date.UTC(2024, 0, 1, 1, 17, 43), passenger_count: 1, trip_distance: 2.58,
 *   ratecode_id: 1, store_and_fwd_flag: "N", pu_location_id: 236, do_location_id: 239,
 *   payment_type: 2, fare_amount: 12.8, extra: 1, mta_tax: 0.5, tip_amount: 0, tolls_amount: 0,
 *   improvement_surcharge: 1, total_amount: 17.05, congestion_surcharge: 2.75, airport_fee: null,
 *   cbd_congestion_fee: null, ehail_fee: null, trip_type_code: 1,
 * } as const;
 * const batch = batchFromRows([row], { tripType: "green", sourceFile: "g.parquet" });
 * const buf = new Uint8Array(rowTextCapacity(batch, 0));
 * const end = writeCanonicalText(batch, 0, buf, 0);
 * assert.equal(
 *   new TextDecoder().decode(buf.subarray(0, end)),
 *   "green|2|2024-01-01T00:57:55|2024-01-01T01:17:43|1|2.58|1|N|236|239|2|12.8|1|0.5|0|0|1|17.05|2.75|\\N|\\N|\\N|1",
 * );
 * ```
 */
export function writeCanonicalText(
  batch: RawTripBatch,
  i: number,
  buf: Uint8Array,
  pos: number,
): number {
  const n = batch.numeric;
  pos = writeAscii(buf, pos, batch.tripType);
  pos = _num(buf, pos, n.vendor_id[i]!);
  pos = _ts(buf, pos, n.pickup_ts[i]!);
  pos = _ts(buf, pos, n.dropoff_ts[i]!);
  pos = _num(buf, pos, n.passenger_count[i]!);
  pos = _num(buf, pos, n.trip_distance[i]!);
  pos = _num(buf, pos, n.ratecode_id[i]!);
  buf[pos++] = PIPE;
  const flag = batch.storeAndFwdFlag[i];
  pos = flag == null ? _null(buf, pos) : writeAscii(buf, pos, flag);
  pos = _num(buf, pos, n.pu_location_id[i]!);
  pos = _num(buf, pos, n.do_location_id[i]!);
  pos = _num(buf, pos, n.payment_type[i]!);
  pos = _num(buf, pos, n.fare_amount[i]!);
  pos = _num(buf, pos, n.extra[i]!);
  pos = _num(buf, pos, n.mta_tax[i]!);
  pos = _num(buf, pos, n.tip_amount[i]!);
  pos = _num(buf, pos, n.tolls_amount[i]!);
  pos = _num(buf, pos, n.improvement_surcharge[i]!);
  pos = _num(buf, pos, n.total_amount[i]!);
  pos = _num(buf, pos, n.congestion_surcharge[i]!);
  pos = _num(buf, pos, n.airport_fee[i]!);
  pos = _num(buf, pos, n.cbd_congestion_fee[i]!);
  pos = _num(buf, pos, n.ehail_fee[i]!);
  return _num(buf, pos, n.trip_type_code[i]!);
}

/**
 * An upper bound of the canonical text length of row `i`, in bytes.
 *
 * @example
 * ```ts
 * import { batchFromRows } from "../raw_trip_batch.ts";
 * import { rowTextCapacity } from "./trip_key.ts";
 * import assert from "node:assert";
 * const batch = batchFromRows([], { tripType: "green", sourceFile: "g.parquet" });
 * assert.ok(rowTextCapacity(batch, 0) >= 1024);
 * ```
 */
export function rowTextCapacity(batch: RawTripBatch, i: number): number {
  return 1024 + 3 * (batch.storeAndFwdFlag[i]?.length ?? 0);
}

/**
 * Computes the keys of every row of a batch as 16 raw bytes each, into
 * `out[16 * i ..]` (allocated when not given).
 *
 * @example
 * ```ts
 * import { batchFromRows } from "../raw_trip_batch.ts";
 * import { createHash } from "node:crypto";
 * import { canonicalText, tripKeyDigests } from "./trip_key.ts";
 * import assert from "node:assert";
 * const row = {
 *   trip_type: "green", vendor_id: 2, pickup_ts: Date.UTC(2024, 0, 1, 0, 57, 55),
 *   dropoff_ts: Date.UTC(2024, 0, 1, 1, 17, 43), passenger_count: 1, trip_distance: 2.58,
 *   ratecode_id: 1, store_and_fwd_flag: "N", pu_location_id: 236, do_location_id: 239,
 *   payment_type: 2, fare_amount: 12.8, extra: 1, mta_tax: 0.5, tip_amount: 0, tolls_amount: 0,
 *   improvement_surcharge: 1, total_amount: 17.05, congestion_surcharge: 2.75, airport_fee: null,
 *   cbd_congestion_fee: null, ehail_fee: null, trip_type_code: 1,
 * } as const;
 * const batch = batchFromRows([row, row], { tripType: "green", sourceFile: "g.parquet" });
 * const digests = tripKeyDigests(batch);
 * const sha = createHash("sha256").update(canonicalText(row)).digest().subarray(0, 16);
 * assert.deepEqual(digests.subarray(0, 16), new Uint8Array(sha));
 * assert.deepEqual(digests.subarray(16, 32), new Uint8Array(sha));
 * ```
 */
export function tripKeyDigests(
  batch: RawTripBatch,
  out: Uint8Array = new Uint8Array(batch.length * TRIP_KEY_BYTES),
): Uint8Array {
  for (let i = 0; i < batch.length; i++) {
    const need = rowTextCapacity(batch, i);
    if (_scratch.length < need) _scratch = new Uint8Array(need);
    const end = writeCanonicalText(batch, i, _scratch, 0);
    sha256Prefix16(_scratch, 0, end, out, i * TRIP_KEY_BYTES);
  }
  return out;
}

/**
 * The hex text of the key stored at `digests[16 * i ..]`. One flat string
 * from one call: a replay makes one per event, and appending 16 pieces left
 * 15 intermediate strings each and a rope that every reader flattened again.
 *
 * @example
 * ```ts
 * import { keyHex } from "./trip_key.ts";
 * import assert from "node:assert";
 * assert.equal(keyHex(new Uint8Array(16).fill(255), 0), "f".repeat(32));
 * assert.equal(keyHex(Uint8Array.of(0, 1, 0xab, 0x10, ...new Uint8Array(12)), 0).slice(0, 8), "0001ab10");
 * ```
 */
export function keyHex(digests: Uint8Array, i: number): string {
  const d = digests;
  const at = i * TRIP_KEY_BYTES;
  const h = (j: number) => HEX_CODES[d[at + j]! >> 4]!;
  const l = (j: number) => HEX_CODES[d[at + j]! & 15]!;
  // deno-fmt-ignore
  return String.fromCharCode(
    h(0), l(0), h(1), l(1), h(2), l(2), h(3), l(3),
    h(4), l(4), h(5), l(5), h(6), l(6), h(7), l(7),
    h(8), l(8), h(9), l(9), h(10), l(10), h(11), l(11),
    h(12), l(12), h(13), l(13), h(14), l(14), h(15), l(15),
  );
}

/**
 * Whether `text` is a key's hex text, 32 lowercase hex digits: what
 * `/^[0-9a-f]{32}$/` tests (event ids have the same form), a table lookup
 * per char, where V8 runs that RegExp's counted class with a backtracking
 * step per char.
 *
 * @example
 * ```ts
 * import { isKeyHex } from "./trip_key.ts";
 * import assert from "node:assert";
 * assert.equal(isKeyHex("0123456789abcdef0123456789abcdef"), true);
 * assert.equal(isKeyHex("0123456789ABCDEF0123456789ABCDEF"), false);
 * ```
 */
export function isKeyHex(text: string): boolean {
  if (text.length !== 2 * TRIP_KEY_BYTES) return false;
  for (let i = 0; i < 2 * TRIP_KEY_BYTES; i++) {
    if ((_HEX_VALUES[text.charCodeAt(i)] ?? -1) < 0) return false;
  }
  return true;
}

/**
 * Writes the 16 bytes of a key's hex text to `out[at, at + 16)`: the inverse
 * of {@linkcode keyHex}, without the new array `Uint8Array.fromHex` makes
 * (which cost about 300 ns a key).
 *
 * @throws {SyntaxError} When `hex` is not 32 lowercase hex digits.
 * @example
 * ```ts
 * import { keyHex, writeKeyBytes } from "./trip_key.ts";
 * import assert from "node:assert";
 * const out = new Uint8Array(32);
 * writeKeyBytes("000102030405060708090a0b0c0d0eff", out, 16);
 * assert.equal(keyHex(out, 1), "000102030405060708090a0b0c0d0eff");
 * assert.throws(() => writeKeyBytes("F".repeat(32), out, 0), SyntaxError);
 * ```
 */
export function writeKeyBytes(hex: string, out: Uint8Array, at: number): void {
  if (hex.length !== 2 * TRIP_KEY_BYTES) _notKey(hex);
  for (let j = 0; j < TRIP_KEY_BYTES; j++) {
    const high = _HEX_VALUES[hex.charCodeAt(2 * j)] ?? -1;
    const low = _HEX_VALUES[hex.charCodeAt(2 * j + 1)] ?? -1;
    if (high < 0 || low < 0) _notKey(hex);
    out[at + j] = (high << 4) | low;
  }
}

function _notKey(hex: string): never {
  throw new SyntaxError(`Cannot read "${hex}" as a trip key: expected 32 lowercase hex digits`);
}

/**
 * The canonical text of a row (see the module documentation).
 *
 * @example
 * ```ts
 * import { canonicalText } from "./trip_key.ts";
 * import assert from "node:assert";
 * const text = canonicalText({
 *   trip_type: "green", vendor_id: 2, pickup_ts: Date.UTC(2024, 0, 1, 0, 57, 55),
 *   dropoff_ts: Date.UTC(2024, 0, 1, 1, 17, 43), passenger_count: 1, trip_distance: 2.58,
 *   ratecode_id: 1, store_and_fwd_flag: "N", pu_location_id: 236, do_location_id: 239,
 *   payment_type: 2, fare_amount: 12.8, extra: 1, mta_tax: 0.5, tip_amount: 0,
 *   tolls_amount: 0, improvement_surcharge: 1, total_amount: 17.05,
 *   congestion_surcharge: 2.75, airport_fee: null, cbd_congestion_fee: null,
 *   ehail_fee: null, trip_type_code: 1,
 * });
 * assert.equal(text.slice(0, 48), "green|2|2024-01-01T00:57:55|2024-01-01T01:17:43|");
 * ```
 */
export function canonicalText(row: RawTrip): string {
  const batch = _single(row);
  const buf = new Uint8Array(rowTextCapacity(batch, 0));
  return _decoder.decode(buf.subarray(0, writeCanonicalText(batch, 0, buf, 0)));
}

/**
 * The `trip_key` of a row: hex of the first 16 bytes of SHA-256 of its canonical text.
 *
 * @example
 * ```ts
 * import { tripKey } from "./trip_key.ts";
 * import assert from "node:assert";
 * // The README's example row: the first accepted trip of green 2024-01.
 * const key = tripKey({
 *   trip_type: "green", vendor_id: 2, pickup_ts: Date.UTC(2024, 0, 1, 0, 57, 55),
 *   dropoff_ts: Date.UTC(2024, 0, 1, 1, 17, 43), passenger_count: 1, trip_distance: 2.58,
 *   ratecode_id: 1, store_and_fwd_flag: "N", pu_location_id: 236, do_location_id: 239,
 *   payment_type: 2, fare_amount: 12.8, extra: 1, mta_tax: 0.5, tip_amount: 0, tolls_amount: 0,
 *   improvement_surcharge: 1, total_amount: 17.05, congestion_surcharge: 2.75, airport_fee: null,
 *   cbd_congestion_fee: null, ehail_fee: null, trip_type_code: 1,
 * });
 * assert.equal(key, "299560aeca6fa8fab6565070311ebd07");
 * ```
 */
export function tripKey(row: RawTrip): string {
  return keyHex(tripKeyDigests(_single(row)), 0);
}

function _single(row: RawTrip): RawTripBatch {
  return batchFromRows([row], { tripType: row.trip_type, sourceFile: "" });
}

function _null(buf: Uint8Array, pos: number): number {
  buf[pos] = 92;
  buf[pos + 1] = 78;
  return pos + 2;
}

function _num(buf: Uint8Array, pos: number, x: number): number {
  buf[pos++] = PIPE;
  return x !== x ? _null(buf, pos) : writeNumber(buf, pos, x);
}

function _ts(buf: Uint8Array, pos: number, ms: number): number {
  buf[pos++] = PIPE;
  return ms !== ms ? _null(buf, pos) : writeNaiveTimestamp(buf, pos, ms, LETTER_T);
}
