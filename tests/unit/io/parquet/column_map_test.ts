import assert from "node:assert/strict";
import type { SchemaElement } from "hyparquet";
import { ChillFlowError } from "../../../../src/errors.ts";
import { mapTripColumns, TRIP_COLUMN_FIELDS } from "../../../../src/io/parquet/column_map.ts";

const ts: Omit<SchemaElement, "name"> = {
  type: "INT64",
  logical_type: { type: "TIMESTAMP", isAdjustedToUTC: false, unit: "MICROS" },
};
const stamps = (prefix: string): SchemaElement[] => [
  { name: `${prefix}_pickup_datetime`, ...ts },
  { name: `${prefix}_dropoff_datetime`, ...ts },
];

Deno.test("mapTripColumns() takes the trip type from tpep_/lpep_ columns before the file name", () => {
  assert.equal(
    mapTripColumns(stamps("tpep"), { fileName: "green_tripdata_2024-01.parquet" }).tripType,
    "yellow",
  );
  assert.equal(mapTripColumns(stamps("lpep"), { fileName: "x.parquet" }).tripType, "green");
});

Deno.test("mapTripColumns() takes the option where the file does not tell, and refuses one it contradicts", () => {
  const both = [...stamps("tpep"), ...stamps("lpep")];
  assert.equal(mapTripColumns(both, { fileName: "x", tripType: "yellow" }).tripType, "yellow");
  assert.equal(
    mapTripColumns(stamps("tpep"), { fileName: "x", tripType: "yellow" }).tripType,
    "yellow",
  );
  const refused = (message: RegExp) => (error: unknown) => {
    assert.ok(error instanceof ChillFlowError);
    assert.equal(error.code, "CF_USAGE");
    assert.match(error.message, message);
    return true;
  };
  assert.throws(
    () => mapTripColumns(stamps("tpep"), { fileName: "x", tripType: "green" }),
    refused(/^Cannot read "x" as green trips: its tpep_ columns say yellow/),
  );
  assert.throws(
    () => mapTripColumns(both, { fileName: "green_tripdata_2024-01.parquet", tripType: "yellow" }),
    refused(/as yellow trips: its name says green/),
  );
});

Deno.test("mapTripColumns() prefers the prefix of the trip type when both exist", () => {
  const map = mapTripColumns([...stamps("tpep"), ...stamps("lpep")], {
    fileName: "green_tripdata_2024-01.parquet",
  });
  assert.equal(map.tripType, "green");
  assert.equal(map.columns.find((c) => c.field === "pickup_ts")?.name, "lpep_pickup_datetime");
});

Deno.test("mapTripColumns() maps every TLC name case-insensitively", () => {
  const names = [
    "VENDORID",
    "Passenger_Count",
    "trip_distance",
    "RateCodeID",
    "Store_And_Fwd_Flag",
    "PULocationID",
    "dolocationid",
    "payment_type",
    "fare_amount",
    "extra",
    "mta_tax",
    "tip_amount",
    "tolls_amount",
    "improvement_surcharge",
    "total_amount",
    "congestion_surcharge",
    "Airport_fee",
    "cbd_congestion_fee",
    "ehail_fee",
    "trip_type",
  ];
  const elements: SchemaElement[] = [
    ...stamps("TPEP"),
    ...names.map((name): SchemaElement =>
      name === "Store_And_Fwd_Flag" ? { name, type: "BYTE_ARRAY" } : { name, type: "DOUBLE" }
    ),
  ];
  const map = mapTripColumns(elements, { fileName: "f" });
  assert.deepEqual(map.missing, []);
  assert.deepEqual(map.columns.map((c) => c.field), TRIP_COLUMN_FIELDS);
  assert.equal(map.columns.find((c) => c.field === "store_and_fwd_flag")?.kind, "string");
});

Deno.test("mapTripColumns() ignores unknown columns", () => {
  const map = mapTripColumns([...stamps("lpep"), { name: "__index_level_0__", type: "INT64" }], {
    fileName: "f",
  });
  assert.equal(map.columns.length, 2);
});

Deno.test("mapTripColumns() refuses a number column stored as text", () => {
  assert.throws(
    () =>
      mapTripColumns([...stamps("lpep"), { name: "fare_amount", type: "BYTE_ARRAY" }], {
        fileName: "f.parquet",
      }),
    (error: unknown) =>
      error instanceof ChillFlowError && error.code === "CF_PARQUET_SCHEMA" &&
      error.message ===
        'Cannot read "f.parquet": column "fare_amount" has type "BYTE_ARRAY", expected a number',
  );
});

Deno.test("mapTripColumns() refuses a file whose trip type cannot be told", () => {
  const plain: SchemaElement[] = [
    { name: "xpep_pickup_datetime", ...ts },
  ];
  assert.throws(
    () => mapTripColumns(plain, { fileName: "trips.parquet" }),
    /cannot tell yellow from green/,
  );
});
