/**
 * Fast JSON text of trip events, straight from a columnar batch: the same
 * bytes as `JSON.stringify(tripEvent(rowOf(batch, i), origin, type))`
 * without building the row and event objects (a replay writes millions).
 *
 * @module
 */
import type { TripEventType } from "../../../schemas/trip_event.ts";
import type { RawTripBatch } from "../raw_trip_batch.ts";
import { eventId } from "./event_id.ts";
import type { TripOrigin } from "./trip_to_events.ts";

const MS_PER_DAY = 86_400_000;
const _pad = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, "0"));
let _day = NaN;
let _dayText = "";

/**
 * The event's JSON text. Only for accepted rows (as {@linkcode tripEvent}).
 *
 * @example
 * ```ts
 * import { batchFromRows } from "../raw_trip_batch.ts";
 * import { encodeTripEvent } from "./event_json.ts";
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
 * const origin = { tripKey: "0".repeat(32), period: "2024-01", sourceFile: "g.parquet" };
 * const event = JSON.parse(encodeTripEvent(batch, 0, origin, "trip_ended"));
 * assert.equal(event.data.trip_distance, 2.58);
 * ```
 */
export function encodeTripEvent(
  batch: RawTripBatch,
  i: number,
  origin: TripOrigin,
  type: TripEventType,
): string {
  const n = batch.numeric;
  const ts = _iso(type === "trip_started" ? n.pickup_ts[i]! : n.dropoff_ts[i]!);
  const head =
    `{"v":1,"event_id":"${eventId(origin.tripKey, type)}","trip_key":"${origin.tripKey}",` +
    `"event_ts":"${ts}","trip_type":"${batch.tripType}","period":${
      JSON.stringify(origin.period)
    },` +
    `"source_file":${JSON.stringify(origin.sourceFile)},"event_type":"${type}","data":{`;
  if (type === "trip_started") {
    const flag = batch.storeAndFwdFlag[i];
    return `${head}"vendor_id":${_n(n.vendor_id[i]!)},"pickup_ts":"${ts}",` +
      `"pu_location_id":${_n(n.pu_location_id[i]!)},"passenger_count":${
        _n(n.passenger_count[i]!)
      },` +
      `"ratecode_id":${_n(n.ratecode_id[i]!)},"store_and_fwd_flag":${
        flag == null ? "null" : JSON.stringify(flag)
      },"trip_type_code":${_n(n.trip_type_code[i]!)}}}`;
  }
  if (type === "trip_ended") {
    return `${head}"dropoff_ts":"${ts}","do_location_id":${_n(n.do_location_id[i]!)},` +
      `"trip_distance":${_n(n.trip_distance[i]!)}}}`;
  }
  return `${head}"payment_type":${_n(n.payment_type[i]!)},"fare_amount":${_n(n.fare_amount[i]!)},` +
    `"extra":${_n(n.extra[i]!)},"mta_tax":${_n(n.mta_tax[i]!)},"tip_amount":${
      _n(n.tip_amount[i]!)
    },` +
    `"tolls_amount":${_n(n.tolls_amount[i]!)},"improvement_surcharge":${
      _n(n.improvement_surcharge[i]!)
    },"total_amount":${_n(n.total_amount[i]!)},"congestion_surcharge":${
      _n(n.congestion_surcharge[i]!)
    },"airport_fee":${_n(n.airport_fee[i]!)},"cbd_congestion_fee":${
      _n(n.cbd_congestion_fee[i]!)
    },"ehail_fee":${_n(n.ehail_fee[i]!)}}}`;
}

/** JSON of a numeric column value: `NaN` (null) and infinities as `null`, like JSON.stringify. */
function _n(x: number): string {
  return Number.isFinite(x) ? (x === 0 ? "0" : String(x)) : "null";
}

/** Naive ISO text, as `toNaiveIso`, remembering the last day's date text. */
function _iso(ms: number): string {
  const day = Math.floor(ms / MS_PER_DAY);
  if (day !== _day) {
    _day = day;
    _dayText = new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
  }
  if (_dayText.length !== 10) return new Date(ms).toISOString().slice(0, -1).replace(/\.000$/, "");
  let rest = ms - day * MS_PER_DAY;
  const h = Math.floor(rest / 3_600_000);
  rest -= h * 3_600_000;
  const m = Math.floor(rest / 60_000);
  rest -= m * 60_000;
  const s = Math.floor(rest / 1000);
  const milli = rest - s * 1000;
  const base = `${_dayText}T${_pad[h]}:${_pad[m]}:${_pad[s]}`;
  return milli === 0 ? base : `${base}.${String(milli).padStart(3, "0")}`;
}
