import assert from "node:assert/strict";
import { readTripBatches } from "../../../../src/io/parquet/read_trip_batches.ts";
import { taxiColumns, writeFixture } from "../../../_support/parquet_fixtures.ts";

Deno.test("readTripBatches() reads DECIMAL columns as the decimals they name, by converted or logical type", async () => {
  const dir = await Deno.makeTempDir({ prefix: "cf_decimal_" });
  try {
    const path = `${dir}/yellow_tripdata_2024-01.parquet`;
    const columns = taxiColumns(3).map((column) =>
      column.name === "trip_distance"
        ? {
          name: "trip_distance",
          // Only the logical type says DECIMAL: read unscaled, 123 would be 123 miles.
          element: { type: "INT32", logical_type: { type: "DECIMAL", precision: 9, scale: 2 } },
          data: [123, 50_000, null],
        }
        : column
    );
    columns.push({
      name: "fare_amount",
      element: { type: "INT64", converted_type: "DECIMAL", precision: 12, scale: 2 },
      // 57 * 10 ** -2 is 0.5700000000000001; 57 / 100 is 0.57.
      data: [57n, 1_999n, -5n],
    } as never);
    await writeFixture(path, columns as never);
    const got: [number | null, number | null][] = [];
    for await (const batch of readTripBatches(path)) {
      for (let i = 0; i < batch.length; i++) {
        const { trip_distance: miles, fare_amount: fare } = batch.numeric;
        got.push([miles[i]! === miles[i] ? miles[i]! : null, fare[i]!]);
      }
    }
    assert.deepEqual(got, [[1.23, 0.57], [500, 19.99], [null, -0.05]]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
