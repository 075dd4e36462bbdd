import assert from "node:assert/strict";
import {
  periodsBetween,
  TLC_BASE_URL,
  tlcFileName,
  tlcFileUrl,
} from "../../../../src/io/download/tlc_url.ts";

Deno.test("tlcFileUrl() builds the CloudFront URL of a month", () => {
  assert.equal(TLC_BASE_URL, "https://d37ci6vzurychx.cloudfront.net/trip-data");
  assert.equal(tlcFileName("yellow", "2024-01"), "yellow_tripdata_2024-01.parquet");
  assert.equal(
    tlcFileUrl("green", "2023-12", "http://127.0.0.1:8000/files///"),
    "http://127.0.0.1:8000/files/green_tripdata_2023-12.parquet",
  );
});

Deno.test("periodsBetween() lists months across a year boundary, inclusive", () => {
  assert.deepEqual(periodsBetween("2023-12"), ["2023-12"]);
  assert.deepEqual(periodsBetween("2023-11", "2024-01"), ["2023-11", "2023-12", "2024-01"]);
});

Deno.test("periodsBetween() refuses malformed or reversed ranges", () => {
  assert.throws(() => periodsBetween("2024-1"), RangeError);
  assert.throws(() => periodsBetween("2024-03", "2024-01"), /the end is before the start/);
});
