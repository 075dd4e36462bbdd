import assert from "node:assert/strict";
import { openTripFile } from "../../../../src/io/parquet/open_trip_file.ts";
import { readTripBatches } from "../../../../src/io/parquet/read_trip_batches.ts";
import { GREEN_2024_01 } from "../../../_support/fixtures.ts";

Deno.test("openTripFile() reads the footer and maps columns without reading data pages", async () => {
  // The same file with every byte between the magic and the footer zeroed:
  // its pages no longer decode, its footer is intact.
  const bytes = await Deno.readFile(GREEN_2024_01);
  const footerLength = new DataView(bytes.buffer).getUint32(bytes.length - 8, true);
  bytes.fill(0, 4, bytes.length - 8 - footerLength);
  const dir = await Deno.makeTempDir({ prefix: "cf_open_trip_file_" });
  const path = `${dir}/green_tripdata_2024-01.parquet`;
  await Deno.writeFile(path, bytes);
  const trip = await openTripFile(path);
  try {
    await assert.rejects(async () => {
      for await (const _ of readTripBatches(path)) { /* the pages are zeros */ }
    });
    assert.equal(trip.sourceFile, "green_tripdata_2024-01.parquet");
    assert.equal(Number(trip.metadata.num_rows), 56_551);
    assert.equal(trip.map.tripType, "green");
    assert.equal(trip.map.columns.find((c) => c.field === "trip_type_code")?.name, "trip_type");
  } finally {
    trip.file.close();
    await Deno.remove(dir, { recursive: true });
  }
});
