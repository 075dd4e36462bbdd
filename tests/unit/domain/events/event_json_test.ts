import assert from "node:assert/strict";
import { createCurationState, curateBatch } from "../../../../src/domain/curation/curate_batch.ts";
import { keyHex } from "../../../../src/domain/curation/trip_key.ts";
import {
  EVENT_NUMBERS,
  packEventNumbers,
  TripEventWriter,
} from "../../../../src/domain/events/event_json.ts";
import { mulberry32 } from "../../../../src/domain/events/replay_plan.ts";
import { tripEvent } from "../../../../src/domain/events/trip_to_events.ts";
import { toNaiveIso } from "../../../../src/domain/events/naive_time.ts";
import {
  batchFromRows,
  NUMERIC_FIELDS,
  type RawTripBatch,
  rowOf,
} from "../../../../src/domain/raw_trip_batch.ts";
import { readTripBatches } from "../../../../src/io/parquet/read_trip_batches.ts";
import { GREEN_2024_01, YELLOW_SAMPLE } from "../../../_support/fixtures.ts";
import type { RawTrip } from "../../../../schemas/raw_trip.ts";
import { TRIP_EVENT_TYPES, type TripEventType } from "../../../../schemas/trip_event.ts";
import { sampleRow } from "./_row.ts";

Deno.test("TripEventWriter handles milliseconds, nulls, -0 and escaped flags", () => {
  const row = sampleRow({
    dropoff_ts: Date.UTC(2024, 0, 1, 1, 17, 43, 7),
    vendor_id: null,
    store_and_fwd_flag: 'Y"\n',
    tip_amount: -0,
    ehail_fee: 0.1 + 0.2,
  });
  const batch = batchFromRows([row], { tripType: "green", sourceFile: "g" });
  const keys = new Uint8Array(16).fill(0xaa);
  const origin = { tripKey: "a".repeat(32), period: "2024-01", sourceFile: "g" };
  for (const type of TRIP_EVENT_TYPES) {
    assert.equal(written(batch, 0, keys, type), JSON.stringify(tripEvent(row, origin, type)));
  }
});

/** The event of row 0 of `batch` through TripEventWriter, written at an offset, as text. */
function written(
  batch: RawTripBatch,
  i: number,
  keys: Uint8Array,
  type: TripEventType,
  sourceFile = "g",
  period = "2024-01",
): string {
  const writer = new TripEventWriter(sourceFile, batch.tripType);
  const values = new Float64Array(EVENT_NUMBERS + 3);
  packEventNumbers(batch, i, values, 3);
  const flag = batch.storeAndFwdFlag[i];
  const out = new Uint8Array(7 + writer.maxBytes(period, flag));
  const end = writer.write(values, 3, flag, keys, i, period, type, out, 7);
  return new TextDecoder().decode(out.subarray(7, end));
}

Deno.test("TripEventWriter writes exactly JSON.stringify(tripEvent()) for every real row", async () => {
  let checked = 0;
  const sourceFile = 'f"1é'; // escaped and not ASCII
  for (const path of [GREEN_2024_01, YELLOW_SAMPLE]) {
    const state = createCurationState();
    for await (const batch of readTripBatches(path)) {
      const verdicts = curateBatch(batch, state);
      for (let i = 0; i < batch.length; i++) {
        if (verdicts.codes[i] !== 0) continue;
        const origin = { tripKey: keyHex(verdicts.keys, i), period: "2024-01", sourceFile };
        for (const type of TRIP_EVENT_TYPES) {
          assert.equal(
            written(batch, i, verdicts.keys, type, sourceFile),
            JSON.stringify(tripEvent(rowOf(batch, i), origin, type)),
          );
        }
        checked++;
      }
    }
  }
  assert.equal(checked, 55_915 + 4_719);
});

Deno.test("TripEventWriter writes numbers and times as JSON.stringify does, edge cases and seeded random ones", () => {
  const special = [
    0,
    -0,
    NaN,
    Infinity,
    -Infinity,
    0.1 + 0.2,
    1.005,
    -0.125,
    0.07,
    -0.5,
    99.99,
    5e-324,
    1e-7,
    1e21,
    1e15,
    1e13,
    1e13 - 0.01,
    24764357903,
    -24764357903,
    2 ** 31,
    -(2 ** 31),
    2 ** 31 - 1,
    2 ** 53,
    123456789012.34,
  ];
  const random = mulberry32(7);
  const pick = (): number => {
    const k = random();
    if (k < 0.2) return special[Math.floor(random() * special.length)]!;
    if (k < 0.5) return Math.round((random() - 0.3) * 10 ** (1 + Math.floor(random() * 14))) / 100;
    if (k < 0.7) return (random() - 0.5) * 10 ** (Math.floor(random() * 40) - 20);
    return Math.floor((random() - 0.5) * 2 ** (random() * 60));
  };
  const times = [
    Date.UTC(2024, 0, 1, 1, 17, 43, 7),
    Date.UTC(1969, 11, 31, 23, 59, 59, 999),
    Date.UTC(10000, 0, 1), // past year 9999: toISOString's extended years
    Date.UTC(2024, 0, 1) + 0.5, // a fraction of a millisecond
  ];
  const numeric = NUMERIC_FIELDS.filter((f) => f !== "pickup_ts" && f !== "dropoff_ts");
  const keys = new Uint8Array(16).fill(0xa7);
  const origin = { tripKey: keyHex(keys, 0), period: "2024-01", sourceFile: "g" };
  for (let r = 0; r < 3000; r++) {
    const row: RawTrip = { ...sampleRow() };
    for (const field of numeric) (row as unknown as Record<string, number>)[field] = pick();
    row.pickup_ts = r < times.length ? times[r]! : Math.floor((random() - 0.3) * 4e12);
    row.dropoff_ts = r < times.length ? times[(r + 1) % times.length]! : row.pickup_ts + 60_000;
    row.store_and_fwd_flag = r % 3 === 0 ? null : r % 3 === 1 ? "N" : 'Y"\n\u2028';
    const batch = batchFromRows([row], { tripType: "green", sourceFile: "g" });
    for (const type of TRIP_EVENT_TYPES) {
      assert.equal(
        written(batch, 0, keys, type),
        JSON.stringify(tripEvent(row, origin, type)),
        `row ${r}`,
      );
    }
  }
});

Deno.test("trip events write times past year 9999 and with sub-millisecond parts as toNaiveIso does", () => {
  const keys = new Uint8Array(16).fill(0x3c);
  const origin = { tripKey: keyHex(keys, 0), period: "2024-01", sourceFile: "g" };
  for (
    const ms of [
      Date.UTC(10000, 0, 1, 2, 3, 4),
      Date.UTC(2024, 0, 1, 5) + 0.5,
      Date.UTC(2024, 0, 1),
    ]
  ) {
    const row = sampleRow({ pickup_ts: ms, dropoff_ts: ms + 60_000 });
    const batch = batchFromRows([row], { tripType: "green", sourceFile: "g" });
    const text = written(batch, 0, keys, "trip_started");
    assert.equal(JSON.parse(text).event_ts, toNaiveIso(ms));
    assert.equal(text, JSON.stringify(tripEvent(row, origin, "trip_started")));
  }
});
