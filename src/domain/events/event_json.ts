/**
 * Fast JSON of trip events: the UTF-8 bytes of
 * `JSON.stringify(tripEvent(rowOf(batch, i), origin, type))`, written in place
 * by {@linkcode TripEventWriter} from numbers packed per trip
 * ({@linkcode packEventNumbers}), without building the row and event objects
 * (a replay writes millions: the replay's hot loop).
 *
 * @module
 */
import type { TripType } from "../../../schemas/raw_trip.ts";
import type { TripEventType } from "../../../schemas/trip_event.ts";
import { writeNaiveTimestamp, writeNumber } from "../curation/ascii_format.ts";
import { TRIP_KEY_BYTES } from "../curation/trip_key.ts";
import type { NumericField, RawTripBatch } from "../raw_trip_batch.ts";
import { EVENT_ID_MASKS } from "./event_id.ts";

const _utf8 = new TextEncoder();
const _ascii = (text: string) => _utf8.encode(text);
const _HEX_DIGITS = _ascii("0123456789abcdef");
const _ID_HEAD = _ascii('{"v":1,"event_id":"');
const _TRIP_KEY = _ascii('","trip_key":"');
const _EVENT_TS = _ascii('","event_ts":"');
const _STARTED = [
  '"vendor_id":',
  ',"pickup_ts":"',
  '","pu_location_id":',
  ',"passenger_count":',
  ',"ratecode_id":',
  ',"store_and_fwd_flag":',
  ',"trip_type_code":',
].map(_ascii);
const _ENDED = ['"dropoff_ts":"', '","do_location_id":', ',"trip_distance":'].map(_ascii);
const _PAID = [
  '"payment_type":',
  ',"fare_amount":',
  ',"extra":',
  ',"mta_tax":',
  ',"tip_amount":',
  ',"tolls_amount":',
  ',"improvement_surcharge":',
  ',"total_amount":',
  ',"congestion_surcharge":',
  ',"airport_fee":',
  ',"cbd_congestion_fee":',
  ',"ehail_fee":',
].map(_ascii);
const _END = _ascii("}}");
const _NULL = _ascii("null");
/** Bytes of an event besides its file name, period and flag: generous (about 600 at most). */
const _FIXED_MAX_BYTES = 1024;

/**
 * The numbers trip events carry, in the order {@linkcode packEventNumbers}
 * packs them: each event type's numbers are adjacent (started, then ended,
 * then the payment, which also reads `dropoff_ts`).
 */
export const EVENT_NUMBER_FIELDS = [
  "pickup_ts",
  "vendor_id",
  "pu_location_id",
  "passenger_count",
  "ratecode_id",
  "trip_type_code",
  "dropoff_ts",
  "do_location_id",
  "trip_distance",
  "payment_type",
  "fare_amount",
  "extra",
  "mta_tax",
  "tip_amount",
  "tolls_amount",
  "improvement_surcharge",
  "total_amount",
  "congestion_surcharge",
  "airport_fee",
  "cbd_congestion_fee",
  "ehail_fee",
] as const satisfies readonly NumericField[];

/** How many numbers {@linkcode packEventNumbers} writes per row. */
export const EVENT_NUMBERS = EVENT_NUMBER_FIELDS.length;

/**
 * Copies the numbers of row `i` that its events carry to
 * `values[at .. at + EVENT_NUMBERS)`, in {@linkcode EVENT_NUMBER_FIELDS}
 * order. A replay writes events in event-time order, not file order: reading
 * one packed row touches a few adjacent cache lines where reading the
 * batch's columns touches one line per column.
 *
 * @example
 * ```ts
 * import { batchFromRows } from "../raw_trip_batch.ts";
 * import { EVENT_NUMBERS, packEventNumbers } from "./event_json.ts";
 * import assert from "node:assert";
 * const batch = batchFromRows([{
 *   trip_type: "green", vendor_id: 2, pickup_ts: 1000, dropoff_ts: 2000,
 *   passenger_count: 1, trip_distance: 2.58, ratecode_id: 1, store_and_fwd_flag: "N",
 *   pu_location_id: 236, do_location_id: 239, payment_type: 2, fare_amount: 12.8,
 *   extra: 1, mta_tax: 0.5, tip_amount: 0, tolls_amount: 0, improvement_surcharge: 1,
 *   total_amount: 17.05, congestion_surcharge: 2.75, airport_fee: null,
 *   cbd_congestion_fee: null, ehail_fee: null, trip_type_code: 1,
 * }], { tripType: "green", sourceFile: "g.parquet" });
 * const values = new Float64Array(EVENT_NUMBERS);
 * packEventNumbers(batch, 0, values, 0);
 * assert.deepEqual([values[0], values[6]], [1000, 2000]);
 * ```
 */
export function packEventNumbers(
  batch: RawTripBatch,
  i: number,
  values: Float64Array,
  at: number,
): void {
  const n = batch.numeric;
  values[at] = n.pickup_ts[i]!;
  values[at + 1] = n.vendor_id[i]!;
  values[at + 2] = n.pu_location_id[i]!;
  values[at + 3] = n.passenger_count[i]!;
  values[at + 4] = n.ratecode_id[i]!;
  values[at + 5] = n.trip_type_code[i]!;
  values[at + 6] = n.dropoff_ts[i]!;
  values[at + 7] = n.do_location_id[i]!;
  values[at + 8] = n.trip_distance[i]!;
  values[at + 9] = n.payment_type[i]!;
  values[at + 10] = n.fare_amount[i]!;
  values[at + 11] = n.extra[i]!;
  values[at + 12] = n.mta_tax[i]!;
  values[at + 13] = n.tip_amount[i]!;
  values[at + 14] = n.tolls_amount[i]!;
  values[at + 15] = n.improvement_surcharge[i]!;
  values[at + 16] = n.total_amount[i]!;
  values[at + 17] = n.congestion_surcharge[i]!;
  values[at + 18] = n.airport_fee[i]!;
  values[at + 19] = n.cbd_congestion_fee[i]!;
  values[at + 20] = n.ehail_fee[i]!;
}

/**
 * Writes trip events as UTF-8 JSON straight into a byte buffer: exactly the
 * bytes of `JSON.stringify(tripEvent(...))`, without the
 * intermediate strings (whose building and re-encoding dominated the
 * replay's profile). A trip comes as {@linkcode packEventNumbers} packed it,
 * its flag, and its key as curation stores it (16 digest bytes); the event id
 * is that key XOR its type's mask, as `eventId` (event_id.ts) makes it.
 *
 * @example
 * ```ts
 * import { batchFromRows, rowOf } from "../raw_trip_batch.ts";
 * import { EVENT_NUMBERS, packEventNumbers, TripEventWriter } from "./event_json.ts";
 * import { tripEvent } from "./trip_to_events.ts";
 * import assert from "node:assert";
 * const batch = batchFromRows([{
 *   trip_type: "green", vendor_id: 2, pickup_ts: Date.UTC(2024, 0, 1, 0, 57, 55),
 *   dropoff_ts: Date.UTC(2024, 0, 1, 1, 17, 43), passenger_count: 1, trip_distance: 2.58,
 *   ratecode_id: 1, store_and_fwd_flag: "N", pu_location_id: 236, do_location_id: 239,
 *   payment_type: 2, fare_amount: 12.8, extra: 1, mta_tax: 0.5, tip_amount: 0,
 *   tolls_amount: 0, improvement_surcharge: 1, total_amount: 17.05,
 *   congestion_surcharge: 2.75, airport_fee: null, cbd_congestion_fee: null,
 *   ehail_fee: null, trip_type_code: 1,
 * }], { tripType: "green", sourceFile: "g.parquet" });
 * const values = new Float64Array(EVENT_NUMBERS);
 * packEventNumbers(batch, 0, values, 0);
 * const keys = new Uint8Array(16); // the trip key "000…0"
 * const writer = new TripEventWriter("g.parquet", "green");
 * const out = new Uint8Array(writer.maxBytes("2024-01", "N"));
 * const end = writer.write(values, 0, "N", keys, 0, "2024-01", "trip_ended", out, 0);
 * const origin = { tripKey: "0".repeat(32), period: "2024-01", sourceFile: "g.parquet" };
 * assert.equal(
 *   new TextDecoder().decode(out.subarray(0, end)),
 *   JSON.stringify(tripEvent(rowOf(batch, 0), origin, "trip_ended")),
 * );
 * ```
 */
export class TripEventWriter {
  #sourceFile: string;
  /** What {@linkcode TripEventWriter.maxBytes} adds to its period and flag. */
  #maxBytesBase: number;
  #tripType: TripType;
  /** Per period: the bytes from `","trip_type":"` to the first data field name, per type. */
  #middles = new Map<string, Record<TripEventType, Uint8Array>>();
  #flags = new Map<string, Uint8Array>();

  /** A writer for the events of one source file (its base name) of one trip type. */
  constructor(sourceFile: string, tripType: TripType) {
    this.#sourceFile = sourceFile;
    this.#tripType = tripType;
    this.#maxBytesBase = _FIXED_MAX_BYTES + 6 * sourceFile.length;
  }

  /**
   * The most bytes {@linkcode TripEventWriter.write} may take for a trip of
   * `period` with store-and-forward flag `flag`, whatever the event type.
   *
   * @example
   * ```ts
   * import { TripEventWriter } from "./event_json.ts";
   * import assert from "node:assert";
   * assert.ok(new TripEventWriter("g.parquet", "green").maxBytes("2024-01", "N") < 2048);
   * ```
   */
  maxBytes(period: string, flag: string | null | undefined): number {
    // JSON escapes take at most 6 bytes per UTF-16 unit, UTF-8 at most 3.
    return this.#maxBytesBase + 6 * (period.length + (flag?.length ?? 0));
  }

  /**
   * Writes the `type` event of the trip packed at `values[at ..]` at
   * `out[p..]` and returns where it ends. Its key is
   * `keys[16 * k .. 16 * k + 16)`. `out` must have
   * {@linkcode TripEventWriter.maxBytes} free bytes from `p`.
   *
   * @example
   * ```ts
   * import { EVENT_NUMBERS, TripEventWriter } from "./event_json.ts";
   * import assert from "node:assert";
   * const values = new Float64Array(EVENT_NUMBERS).fill(1);
   * values[0] = Date.UTC(2024, 0, 1);
   * const out = new Uint8Array(2048);
   * const end = new TripEventWriter("y.parquet", "yellow")
   *   .write(values, 0, null, new Uint8Array(16), 0, "2024-01", "trip_started", out, 0);
   * const event = JSON.parse(new TextDecoder().decode(out.subarray(0, end)));
   * assert.equal(event.event_ts, "2024-01-01T00:00:00");
   * ```
   */
  write(
    values: Float64Array,
    at: number,
    flag: string | null | undefined,
    keys: Uint8Array,
    k: number,
    period: string,
    type: TripEventType,
    out: Uint8Array,
    p: number,
  ): number {
    const mask = EVENT_ID_MASKS[type];
    const key = k * TRIP_KEY_BYTES;
    p = _copy(_ID_HEAD, out, p);
    for (let j = 0; j < TRIP_KEY_BYTES; j++) p = _writeHexByte(keys[key + j]! ^ mask[j]!, out, p);
    p = _copy(_TRIP_KEY, out, p);
    for (let j = 0; j < TRIP_KEY_BYTES; j++) p = _writeHexByte(keys[key + j]!, out, p);
    p = _copy(_EVENT_TS, out, p);
    const tsAt = p;
    p = writeNaiveTimestamp(out, p, type === "trip_started" ? values[at]! : values[at + 6]!, 84);
    const tsEnd = p;
    p = _copy(this.#middle(period)[type], out, p);
    if (type === "trip_started") {
      p = _writeJsonNumber(values[at + 1]!, out, _copy(_STARTED[0]!, out, p));
      p = _copy(_STARTED[1]!, out, p);
      out.copyWithin(p, tsAt, tsEnd);
      p += tsEnd - tsAt;
      p = _writeJsonNumber(values[at + 2]!, out, _copy(_STARTED[2]!, out, p));
      p = _writeJsonNumber(values[at + 3]!, out, _copy(_STARTED[3]!, out, p));
      p = _writeJsonNumber(values[at + 4]!, out, _copy(_STARTED[4]!, out, p));
      p = _copy(this.#flag(flag), out, _copy(_STARTED[5]!, out, p));
      p = _writeJsonNumber(values[at + 5]!, out, _copy(_STARTED[6]!, out, p));
    } else if (type === "trip_ended") {
      p = _copy(_ENDED[0]!, out, p);
      out.copyWithin(p, tsAt, tsEnd);
      p += tsEnd - tsAt;
      p = _writeJsonNumber(values[at + 7]!, out, _copy(_ENDED[1]!, out, p));
      p = _writeJsonNumber(values[at + 8]!, out, _copy(_ENDED[2]!, out, p));
    } else {
      for (let f = 0; f < _PAID.length; f++) {
        p = _writeJsonNumber(values[at + 9 + f]!, out, _copy(_PAID[f]!, out, p));
      }
    }
    return _copy(_END, out, p);
  }

  /** The constant bytes between the timestamp and the first data field, per type. */
  #middle(period: string): Record<TripEventType, Uint8Array> {
    let middle = this.#middles.get(period);
    if (middle === undefined) {
      const text = (type: TripEventType) =>
        _ascii(
          `","trip_type":"${this.#tripType}","period":${JSON.stringify(period)},` +
            `"source_file":${JSON.stringify(this.#sourceFile)},"event_type":"${type}","data":{`,
        );
      middle = {
        trip_started: text("trip_started"),
        trip_ended: text("trip_ended"),
        payment_processed: text("payment_processed"),
      };
      this.#middles.set(period, middle);
    }
    return middle;
  }

  #flag(flag: string | null | undefined): Uint8Array {
    if (flag == null) return _NULL;
    let bytes = this.#flags.get(flag);
    if (bytes === undefined) {
      bytes = _utf8.encode(JSON.stringify(flag));
      this.#flags.set(flag, bytes);
    }
    return bytes;
  }
}

/** Writes `byte` as two lowercase hex digits at `out[p..]`. */
function _writeHexByte(byte: number, out: Uint8Array, p: number): number {
  out[p] = _HEX_DIGITS[byte >> 4]!;
  out[p + 1] = _HEX_DIGITS[byte & 15]!;
  return p + 2;
}

/** Copies `bytes` to `out[p..]`: a loop for short literals, where it beats `set`. */
function _copy(bytes: Uint8Array, out: Uint8Array, p: number): number {
  const n = bytes.length;
  if (n > 40) {
    out.set(bytes, p);
    return p + n;
  }
  for (let j = 0; j < n; j++) out[p + j] = bytes[j]!;
  return p + n;
}

/** A number as JSON writes it (non-finite as `null`), in place. */
function _writeJsonNumber(x: number, out: Uint8Array, p: number): number {
  return Number.isFinite(x) ? writeNumber(out, p, x) : _copy(_NULL, out, p);
}
