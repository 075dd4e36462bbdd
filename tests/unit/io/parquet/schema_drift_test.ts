/**
 * The reader against generated vintages: every timestamp unit, INT96, DOUBLE
 * counts, all-null INT32 fees, both airport_fee spellings, missing columns and
 * several row groups.
 */
import assert from "node:assert/strict";
import type { RawTripBatch } from "../../../../src/domain/raw_trip_batch.ts";
import { readTripBatches } from "../../../../src/io/parquet/read_trip_batches.ts";
import {
  FIXTURE_START_MS,
  type FixtureColumn,
  taxiColumns,
  writeFixture,
} from "../../../_support/parquet_fixtures.ts";

const dir = await Deno.makeTempDir({ prefix: "cf_parquet_drift_" });
let serial = 0;
globalThis.addEventListener("unload", () => Deno.removeSync(dir, { recursive: true }));

async function readFixture(
  columns: FixtureColumn[],
  options: { rowGroupSize?: number; batchRows?: number; name?: string } = {},
): Promise<RawTripBatch[]> {
  const path = `${dir}/${options.name ?? `yellow_tripdata_2024-01_${serial++}.parquet`}`;
  await writeFixture(path, columns, { rowGroupSize: options.rowGroupSize });
  const batches: RawTripBatch[] = [];
  for await (const b of readTripBatches(path, { batchRows: options.batchRows })) batches.push(b);
  return batches;
}

function column(batches: RawTripBatch[], field: keyof RawTripBatch["numeric"]): number[] {
  return batches.flatMap((b) => [...b.numeric[field]]);
}

function replace(columns: FixtureColumn[], name: string, next: FixtureColumn | undefined) {
  const out = columns.filter((c) => c.name !== name);
  return next ? [...out, next] : out;
}

for (const unit of ["MILLIS", "MICROS", "NANOS", "INT96"] as const) {
  Deno.test(`readTripBatches() reads ${unit} timestamps as the same naive milliseconds`, async () => {
    const batches = await readFixture(taxiColumns(50, { unit }));
    const pickups = column(batches, "pickup_ts");
    assert.deepEqual(pickups, Array.from({ length: 50 }, (_, i) => FIXTURE_START_MS + i * 60_000));
    assert.deepEqual(
      column(batches, "dropoff_ts"),
      pickups.map((p) => p + 600_000),
    );
  });
}

Deno.test("readTripBatches() keeps sub-second precision of ms timestamps and floors finer ones", async () => {
  const ms = Date.UTC(2024, 0, 15, 8, 30, 0, 123);
  const columns = replace(taxiColumns(1, { unit: "NANOS" }), "tpep_pickup_datetime", {
    name: "tpep_pickup_datetime",
    element: {
      type: "INT64",
      logical_type: { type: "TIMESTAMP", isAdjustedToUTC: false, unit: "NANOS" },
    },
    data: [BigInt(ms) * 1_000_000n + 999_999n],
  });
  const [batch] = await readFixture(columns);
  assert.equal(batch!.numeric.pickup_ts[0], ms);
});

Deno.test("readTripBatches() reads lpep_ columns as green and tpep_ as yellow, whatever the name", async () => {
  const green = await readFixture(taxiColumns(3, { prefix: "lpep" }), {
    name: `x_${serial++}.parquet`,
  });
  assert.equal(green[0]!.tripType, "green");
  const yellow = await readFixture(taxiColumns(3), {
    name: `green_tripdata_x_${serial++}.parquet`,
  });
  assert.equal(yellow[0]!.tripType, "yellow");
});

Deno.test("readTripBatches() reads DOUBLE counts and ids (pandas) as numbers", async () => {
  let columns = taxiColumns(20);
  columns = replace(columns, "passenger_count", {
    name: "passenger_count",
    element: { type: "DOUBLE" },
    data: columns.find((c) => c.name === "passenger_count")!.data.map((v) =>
      v === null ? null : Number(v)
    ),
  });
  columns = replace(columns, "PULocationID", {
    name: "PULocationID",
    element: { type: "INT64" },
    data: Array.from({ length: 20 }, (_, i) => BigInt(100 + i)),
  });
  const batches = await readFixture(columns);
  const passengers = column(batches, "passenger_count");
  assert.equal(passengers[0], 1);
  assert.ok(Number.isNaN(passengers[9]!));
  assert.deepEqual(
    column(batches, "pu_location_id"),
    Array.from({ length: 20 }, (_, i) => 100 + i),
  );
});

Deno.test("readTripBatches() reads an all-null INT32 airport_fee as null", async () => {
  const columns = [...taxiColumns(10), {
    name: "airport_fee",
    element: { type: "INT32" as const },
    data: Array.from({ length: 10 }, () => null),
  }];
  const fees = column(await readFixture(columns), "airport_fee");
  assert.equal(fees.length, 10);
  assert.ok(fees.every(Number.isNaN));
});

for (const spelling of ["airport_fee", "Airport_fee", "AIRPORT_FEE"]) {
  Deno.test(`readTripBatches() finds the airport fee spelled "${spelling}"`, async () => {
    const columns = [...taxiColumns(4), {
      name: spelling,
      element: { type: "DOUBLE" as const },
      data: [1.75, 0, null, -1.75],
    }];
    const fees = column(await readFixture(columns), "airport_fee");
    assert.deepEqual(fees.map((v) => Number.isNaN(v) ? null : v), [1.75, 0, null, -1.75]);
  });
}

Deno.test("readTripBatches() matches columns by name whatever their order", async () => {
  const columns = taxiColumns(5).reverse();
  const batches = await readFixture(columns);
  assert.deepEqual(column(batches, "pu_location_id"), [1, 2, 3, 4, 5]);
  assert.deepEqual(column(batches, "do_location_id"), [42, 42, 42, 42, 42]);
});

Deno.test("readTripBatches() reads missing cbd_congestion_fee, ehail_fee and trip_type as null", async () => {
  const batches = await readFixture(taxiColumns(6));
  for (
    const field of ["cbd_congestion_fee", "ehail_fee", "trip_type_code", "fare_amount"] as const
  ) {
    const values = column(batches, field);
    assert.equal(values.length, 6, field);
    assert.ok(values.every(Number.isNaN), field);
  }
});

Deno.test("readTripBatches() streams several row groups; batches never cross a group", async () => {
  const rows = 1_000;
  const batches = await readFixture(taxiColumns(rows), { rowGroupSize: 300, batchRows: 128 });
  const groupOf = (row: number) => Math.floor(row / 300);
  let expected = 0;
  for (const b of batches) {
    assert.equal(b.firstRow, expected, "batches are consecutive");
    assert.equal(groupOf(b.firstRow), groupOf(b.firstRow + b.length - 1), "batch crosses a group");
    assert.ok(b.length <= 128);
    expected += b.length;
  }
  assert.equal(expected, rows);
  assert.deepEqual(batches.map((b) => b.length), [128, 128, 44, 128, 128, 44, 128, 128, 44, 100]);
  const pickups = column(batches, "pickup_ts");
  assert.deepEqual(pickups, Array.from({ length: rows }, (_, i) => FIXTURE_START_MS + i * 60_000));
  const flags = batches.flatMap((b) => b.storeAndFwdFlag);
  assert.equal(flags[8], "N");
  assert.equal(flags[9], null);
});

Deno.test("readTripBatches() yields nothing for a valid file with no rows", async () => {
  const batches = await readFixture(taxiColumns(0));
  assert.deepEqual(batches, []);
});
