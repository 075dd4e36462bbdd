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
  const batch = batchFromRows([cleanRow({ passenger_count: null })], {
    tripType: "green",
    sourceFile: "x",
  });
  const [pickup, passengers, fare] = [
    { name: "p", field: "pickup_ts", storage: "timestamp_us" },
    { name: "c", field: "passenger_count", storage: "int64" },
    { name: "f", field: "fare_amount", storage: "double" },
  ].map((column) => columnValues(batch, column as Parameters<typeof columnValues>[1]));
  assert.deepEqual(pickup, [batch.numeric.pickup_ts[0]! * 1000]);
  assert.deepEqual(passengers, [null]);
  assert.deepEqual(fare, [10]);
  assert.deepEqual(
    columnValues(batch, { name: "t", field: "trip_type_code", storage: "int64" }),
    [1n],
  );
});
