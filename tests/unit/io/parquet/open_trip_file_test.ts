import assert from "node:assert/strict";
import { openTripFile } from "../../../../src/io/parquet/open_trip_file.ts";
import { GREEN_2024_01 } from "../../../_support/fixtures.ts";

Deno.test("openTripFile() reads the footer and maps columns without reading data pages", async () => {
  const trip = await openTripFile(GREEN_2024_01);
  try {
    assert.equal(trip.sourceFile, "green_tripdata_2024-01.parquet");
    assert.equal(Number(trip.metadata.num_rows), 56_551);
    assert.equal(trip.map.tripType, "green");
    assert.equal(trip.map.columns.find((c) => c.field === "trip_type_code")?.name, "trip_type");
  } finally {
    trip.file.close();
  }
});
