import assert from "node:assert";
import { createCurationState, curateBatch } from "../../../../src/domain/curation/curate_batch.ts";
import { keyHex } from "../../../../src/domain/curation/trip_key.ts";
import { encodeTripEvent } from "../../../../src/domain/events/event_json.ts";
import { tripEvent } from "../../../../src/domain/events/trip_to_events.ts";
import { batchFromRows, rowOf } from "../../../../src/domain/raw_trip_batch.ts";
import { readTripBatches } from "../../../../src/io/parquet/read_trip_batches.ts";
import { GREEN_2024_01, YELLOW_SAMPLE } from "../../../_support/fixtures.ts";
import { TRIP_EVENT_TYPES } from "../../../../schemas/trip_event.ts";
import { sampleRow } from "./_row.ts";

Deno.test("encodeTripEvent() writes exactly JSON.stringify(tripEvent()) for every real row", async () => {
  let checked = 0;
  for (const path of [GREEN_2024_01, YELLOW_SAMPLE]) {
    const state = createCurationState();
    for await (const batch of readTripBatches(path)) {
      const verdicts = curateBatch(batch, state);
      for (let i = 0; i < batch.length; i++) {
        if (verdicts.codes[i] !== 0) continue;
        const origin = { tripKey: keyHex(verdicts.keys, i), period: "2024-01", sourceFile: 'f"1' };
        for (const type of TRIP_EVENT_TYPES) {
          const expected = JSON.stringify(tripEvent(rowOf(batch, i), origin, type));
          assert.equal(encodeTripEvent(batch, i, origin, type), expected);
        }
        checked++;
      }
    }
  }
  // No period given: green's 2 outside-period rows are accepted too.
  assert.equal(checked, 55_915 + 4_719);
});

Deno.test("encodeTripEvent() handles milliseconds, nulls, -0 and escaped flags", () => {
  const row = sampleRow({
    dropoff_ts: Date.UTC(2024, 0, 1, 1, 17, 43, 7),
    vendor_id: null,
    store_and_fwd_flag: 'Y"\n',
    tip_amount: -0,
    ehail_fee: 0.1 + 0.2,
  });
  const batch = batchFromRows([row], { tripType: "green", sourceFile: "g" });
  const origin = { tripKey: "a".repeat(32), period: "2024-01", sourceFile: "g" };
  for (const type of TRIP_EVENT_TYPES) {
    assert.equal(
      encodeTripEvent(batch, 0, origin, type),
      JSON.stringify(tripEvent(row, origin, type)),
    );
  }
});
