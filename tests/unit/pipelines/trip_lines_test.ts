import assert from "node:assert/strict";
import { batchFromRows } from "../../../src/domain/raw_trip_batch.ts";
import { rawJson } from "../../../src/pipelines/_trip_lines.ts";
import { sampleRow } from "../domain/events/_row.ts";

Deno.test("rawJson() keeps infinite numbers as text, NaN as null, and times as naive ISO", () => {
  const row = { ...sampleRow(), trip_distance: Infinity, fare_amount: -Infinity, tip_amount: NaN };
  const batch = batchFromRows([row], { tripType: "green", sourceFile: "g.parquet" });
  const raw = JSON.parse(JSON.stringify(rawJson(batch, 0)));
  assert.equal(raw.trip_distance, "Infinity");
  assert.equal(raw.fare_amount, "-Infinity");
  assert.equal(raw.tip_amount, null);
  assert.equal(raw.pickup_ts, new Date(row.pickup_ts!).toISOString().slice(0, 19));
});
