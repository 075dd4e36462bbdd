import assert from "node:assert/strict";
import { RAW_TRIP_FIELDS, type RawTrip } from "../../../schemas/raw_trip.ts";
import { batchFromRows, NUMERIC_FIELDS, rowOf } from "../../../src/domain/raw_trip_batch.ts";

/** A green row whose every numeric field holds its own value. */
function distinctRow(): RawTrip {
  const row = { trip_type: "green", store_and_fwd_flag: "N" } as RawTrip;
  NUMERIC_FIELDS.forEach((field, f) => row[field] = 1000 + f + 0.25);
  return row;
}

Deno.test("batchFromRows() and rowOf() give back every field of every row, nulls included", () => {
  const rows = [distinctRow()];
  for (const field of RAW_TRIP_FIELDS) {
    if (field === "trip_type") continue;
    rows.push({ ...distinctRow(), [field]: null });
  }
  const batch = batchFromRows(rows, { tripType: "green", sourceFile: "g.parquet" });
  assert.equal(batch.length, rows.length);
  rows.forEach((row, i) => assert.deepStrictEqual(rowOf(batch, i), row));
});

Deno.test("batchFromRows() refuses a row of another trip type", () => {
  assert.throws(
    () => batchFromRows([distinctRow()], { tripType: "yellow", sourceFile: "y.parquet" }),
    TypeError,
  );
});
