import assert from "node:assert/strict";
import { batchFromRows } from "../../../../src/domain/raw_trip_batch.ts";
import { columnValues, tlcColumns, tlcSchema } from "../../../../src/io/synth/tlc_layout.ts";
import { cleanRow } from "./_rows.ts";

Deno.test("tlcColumns() follows TLC's order per trip type and adds cbd_congestion_fee from 2025", () => {
  const green = tlcColumns("green", "2024-12").map((c) => c.name);
  assert.equal(green.length, 20);
  assert.deepEqual(green.slice(0, 4), [
    "VendorID",
    "lpep_pickup_datetime",
    "lpep_dropoff_datetime",
    "store_and_fwd_flag",
  ]);
  assert.ok(!green.includes("cbd_congestion_fee"));
  const yellow = tlcColumns("yellow", "2025-01").map((c) => c.name);
  assert.equal(yellow.at(-2), "Airport_fee");
  assert.equal(yellow.at(-1), "cbd_congestion_fee");
});

Deno.test("tlcSchema() stores timestamps as naive microseconds, ids INT32, counts INT64", () => {
  const schema = tlcSchema(tlcColumns("yellow", "2024-01"));
  const byName = new Map(schema.map((e) => [e.name, e]));
  assert.deepEqual(byName.get("tpep_pickup_datetime")?.logical_type, {
    type: "TIMESTAMP",
    isAdjustedToUTC: false,
    unit: "MICROS",
  });
  assert.equal(byName.get("PULocationID")?.type, "INT32");
  assert.equal(byName.get("payment_type")?.type, "INT64");
  assert.equal(byName.get("total_amount")?.type, "DOUBLE");
  assert.ok(schema.slice(1).every((e) => e.repetition_type === "OPTIONAL"));
});

Deno.test("columnValues() turns NaN into null, INT64 into bigint and ms into µs", () => {
  const batch = batchFromRows([cleanRow({ passenger_count: null, airport_fee: null })], {
    tripType: "green",
    sourceFile: "x",
  });
  const values = (field: string, storage: string) =>
    columnValues(batch, { name: field, field, storage } as Parameters<typeof columnValues>[1]);
  assert.deepEqual(values("pickup_ts", "timestamp_us"), [batch.numeric.pickup_ts[0]! * 1000]);
  assert.deepEqual(values("passenger_count", "int64"), [null]);
  assert.deepEqual(values("trip_type_code", "int64"), [1n]);
  assert.deepEqual(values("airport_fee", "double"), [null]);
});

Deno.test("columnValues() hands null-free DOUBLE and INT32 columns over as typed arrays", () => {
  const batch = batchFromRows([cleanRow(), cleanRow({ fare_amount: 12.5 })], {
    tripType: "green",
    sourceFile: "x",
  });
  const values = (field: string, storage: string) =>
    columnValues(batch, { name: field, field, storage } as Parameters<typeof columnValues>[1]);
  assert.deepEqual(values("fare_amount", "double"), new Float64Array([10, 12.5]));
  assert.deepEqual(values("pu_location_id", "int32"), new Int32Array([74, 74]));
});
