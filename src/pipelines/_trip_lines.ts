/**
 * COPY text lines for `trips` and `rejected_trips`, encoded from a columnar
 * batch and its verdicts.
 *
 * @module
 */
import { RAW_TRIP_FIELDS } from "../../schemas/raw_trip.ts";
import { type RawTripBatch, rowOf } from "../domain/raw_trip_batch.ts";
import { ChillFlowError } from "../errors.ts";
import { writeNaiveTimestamp, writeNumber } from "../domain/curation/ascii_format.ts";
import type { CurationVerdicts } from "../domain/curation/curate_batch.ts";
import { periodOfMonthIndex } from "../domain/curation/period.ts";
import { reasonOfCode } from "../domain/curation/reasons.ts";
import { unstorableField, unstorableReject } from "../domain/curation/storable.ts";
import { keyHex, TRIP_KEY_BYTES } from "../domain/curation/trip_key.ts";
import { type CopyBuffer, ROW_RESERVE, writeCopyText } from "./_copy_buffer.ts";

/** Columns of `trips`, in the order the lines carry them. */
export const TRIP_COLUMNS: readonly string[] = [
  "trip_key",
  "period",
  ...RAW_TRIP_FIELDS,
  "duration_s",
  "source_file",
];

/** Columns of `rejected_trips`, in the order the lines carry them. */
export const REJECTED_COLUMNS: readonly string[] = [
  "source_file",
  "source_row",
  "trip_key",
  "period",
  "trip_type",
  "reason",
  "raw",
];

const TAB = 9;
const NEWLINE = 10;
const SPACE = 32;
const HEX_CODES = new TextEncoder().encode("0123456789abcdef");
const _encoder = new TextEncoder();
const _periodBytes = new Map<number, Uint8Array>();

/** Writes the `trips` line of accepted row `i`. */
export function writeTripLine(
  out: CopyBuffer,
  batch: RawTripBatch,
  verdicts: CurationVerdicts,
  i: number,
  sourceFileBytes: Uint8Array,
): void {
  _checkStorable(batch, i);
  const flag = batch.storeAndFwdFlag[i];
  out.reserve(ROW_RESERVE + sourceFileBytes.length + 6 * (flag?.length ?? 0));
  const buf = out.buf;
  const n = batch.numeric;
  let pos = _writeKey(buf, out.pos, verdicts.keys, i);
  buf[pos++] = TAB;
  const period = _period(verdicts.periods[i]!);
  buf.set(period, pos);
  pos += period.length;
  buf[pos++] = TAB;
  pos = writeCopyText(buf, pos, batch.tripType);
  pos = _num(buf, pos, n.vendor_id[i]!);
  const pickup = n.pickup_ts[i]!, dropoff = n.dropoff_ts[i]!;
  buf[pos++] = TAB;
  pos = writeNaiveTimestamp(buf, pos, pickup, SPACE);
  buf[pos++] = TAB;
  pos = writeNaiveTimestamp(buf, pos, dropoff, SPACE);
  pos = _num(buf, pos, n.passenger_count[i]!);
  pos = _num(buf, pos, n.trip_distance[i]!);
  pos = _num(buf, pos, n.ratecode_id[i]!);
  buf[pos++] = TAB;
  pos = flag == null ? _null(buf, pos) : writeCopyText(buf, pos, flag);
  pos = _num(buf, pos, n.pu_location_id[i]!);
  pos = _num(buf, pos, n.do_location_id[i]!);
  pos = _num(buf, pos, n.payment_type[i]!);
  // Money goes as the raw shortest decimal: numeric(12,2) rounds it, as it
  // does for the stream path's parameters, so both paths store the same value.
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
  pos = _num(buf, pos, n.trip_type_code[i]!);
  pos = _num(buf, pos, (dropoff - pickup) / 1000);
  buf[pos++] = TAB;
  buf.set(sourceFileBytes, pos);
  pos += sourceFileBytes.length;
  buf[pos++] = NEWLINE;
  out.pos = pos;
  out.rows++;
}

/** Writes the `rejected_trips` line of rejected row `i` (rare: plain JSON is fine). */
export function writeRejectedLine(
  out: CopyBuffer,
  batch: RawTripBatch,
  verdicts: CurationVerdicts,
  i: number,
  sourceFileBytes: Uint8Array,
): void {
  const month = verdicts.periods[i]!;
  const why = unstorableReject(batch, i, month);
  if (why !== undefined) _unstorable(batch, i, why);
  const line = [
    String(batch.firstRow + i),
    keyHex(verdicts.keys, i),
    month < 0 ? "\\N" : `${periodOfMonthIndex(month)}-01`,
    batch.tripType,
    reasonOfCode(verdicts.codes[i]!),
  ].join("\t");
  const json = JSON.stringify(rawJson(batch, i));
  out.reserve(sourceFileBytes.length + 3 * line.length + 6 * json.length + 8);
  out.buf.set(sourceFileBytes, out.pos);
  let pos = out.pos + sourceFileBytes.length;
  out.buf[pos++] = TAB;
  pos += _encoder.encodeInto(line, out.buf.subarray(pos)).written;
  out.buf[pos++] = TAB;
  pos = writeCopyText(out.buf, pos, json);
  out.buf[pos++] = NEWLINE;
  out.pos = pos;
  out.rows++;
}

/**
 * Row `i` as the JSON object stored in `rejected_trips.raw`: the canonical raw
 * row, timestamps as naive ISO text (`YYYY-MM-DDTHH:MM:SS[.sss]`), an infinite
 * number as the text `"Infinity"` or `"-Infinity"` (JSON has no such number,
 * and `JSON.stringify` would write null, which the row did not hold).
 */
export function rawJson(batch: RawTripBatch, i: number): Record<string, unknown> {
  const row: Record<string, unknown> = { ...rowOf(batch, i) };
  for (const field of ["pickup_ts", "dropoff_ts"] as const) {
    const ms = row[field];
    if (typeof ms === "number") row[field] = _isoText(ms);
  }
  for (const [field, value] of Object.entries(row)) {
    if (value === Infinity || value === -Infinity) row[field] = String(value);
  }
  return row;
}

const _scratch = new Uint8Array(64);
const _decoder = new TextDecoder();

function _isoText(ms: number): string {
  return _decoder.decode(_scratch.subarray(0, writeNaiveTimestamp(_scratch, 0, ms, 84)));
}

/**
 * Refuses, with one line naming the file and row, an accepted row that its
 * columns cannot hold ({@linkcode unstorableField}).
 */
function _checkStorable(batch: RawTripBatch, i: number): void {
  const why = unstorableField(batch, i);
  if (why !== undefined) _unstorable(batch, i, why);
}

function _unstorable(batch: RawTripBatch, i: number, why: string): never {
  throw new ChillFlowError(
    "CF_INPUT_FILE",
    `Cannot load "${batch.sourceFile}": row ${batch.firstRow + i} has ${why}`,
  );
}

function _writeKey(buf: Uint8Array, pos: number, keys: Uint8Array, i: number): number {
  for (let j = i * TRIP_KEY_BYTES, end = j + TRIP_KEY_BYTES; j < end; j++) {
    const byte = keys[j]!;
    buf[pos++] = HEX_CODES[byte >>> 4]!;
    buf[pos++] = HEX_CODES[byte & 15]!;
  }
  return pos;
}

function _period(month: number): Uint8Array {
  let bytes = _periodBytes.get(month);
  if (bytes === undefined) {
    bytes = _encoder.encode(`${periodOfMonthIndex(month)}-01`);
    _periodBytes.set(month, bytes);
  }
  return bytes;
}

function _null(buf: Uint8Array, pos: number): number {
  buf[pos] = 92;
  buf[pos + 1] = 78;
  return pos + 2;
}

function _num(buf: Uint8Array, pos: number, x: number): number {
  buf[pos++] = TAB;
  return x !== x ? _null(buf, pos) : writeNumber(buf, pos, x);
}
