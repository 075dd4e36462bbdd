import assert from "node:assert/strict";
import { inspectTripFile } from "../../../../src/io/parquet/inspect_trip_file.ts";
import { GREEN_2024_01, YELLOW_SAMPLE } from "../../../_support/fixtures.ts";
import { taxiColumns, writeFixture } from "../../../_support/parquet_fixtures.ts";

Deno.test("inspectTripFile() describes green 2024-01 from its footer", async () => {
  const info = await inspectTripFile(GREEN_2024_01);
  assert.equal(info.rows, 56_551);
  assert.equal(info.rowGroups, 1);
  assert.equal(info.maxRowGroupRows, 56_551);
  assert.equal(info.tripType, "green");
  assert.equal(info.bytes, 1_362_284);
  assert.equal(info.createdBy, "parquet-cpp-arrow version 14.0.2");
  assert.equal(info.columns.length, 20);
  assert.deepEqual(info.columns[1], {
    name: "lpep_pickup_datetime",
    type: "INT64 TIMESTAMP",
    field: "pickup_ts",
  });
  assert.deepEqual(info.columns.find((c) => c.name === "trip_type")?.field, "trip_type_code");
  assert.deepEqual(info.missing, ["airport_fee", "cbd_congestion_fee"]);
});

Deno.test("inspectTripFile() maps the yellow sample's Airport_fee and pandas DOUBLE counts", async () => {
  const info = await inspectTripFile(YELLOW_SAMPLE);
  assert.equal(info.rows, 5_000);
  assert.equal(info.tripType, "yellow");
  assert.deepEqual(info.columns.find((c) => c.name === "Airport_fee"), {
    name: "Airport_fee",
    type: "DOUBLE",
    field: "airport_fee",
  });
  assert.equal(info.columns.find((c) => c.name === "passenger_count")?.type, "DOUBLE");
  assert.deepEqual(info.missing, ["ehail_fee", "trip_type_code"]);
});

Deno.test("inspectTripFile() counts row groups and reports INT96 timestamps", async () => {
  const dir = await Deno.makeTempDir({ prefix: "cf_inspect_" });
  try {
    const path = `${dir}/legacy.parquet`;
    await writeFixture(path, taxiColumns(250, { unit: "INT96", prefix: "lpep" }), {
      rowGroupSize: 100,
    });
    const info = await inspectTripFile(path);
    assert.equal(info.rows, 250);
    assert.equal(info.rowGroups, 3);
    assert.equal(info.maxRowGroupRows, 100);
    assert.equal(info.tripType, "green");
    assert.equal(info.columns.find((c) => c.field === "pickup_ts")?.type, "INT96");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
