import assert from "node:assert/strict";
import { rowOf } from "../../../../src/domain/raw_trip_batch.ts";
import { readTripBatches } from "../../../../src/io/parquet/read_trip_batches.ts";
import type { RawTripBatch } from "../../../../src/domain/raw_trip_batch.ts";
import { GREEN_2023_12, GREEN_2024_01, YELLOW_SAMPLE } from "../../../_support/fixtures.ts";
import { taxiColumns, writeFixture } from "../../../_support/parquet_fixtures.ts";

async function collect(path: string, options = {}): Promise<RawTripBatch[]> {
  const batches: RawTripBatch[] = [];
  for await (const batch of readTripBatches(path, options)) batches.push(batch);
  return batches;
}

function stats(batches: RawTripBatch[]) {
  let rows = 0, min = Infinity, max = -Infinity, maxDropoff = -Infinity, nullPayment = 0;
  for (const b of batches) {
    rows += b.length;
    for (let i = 0; i < b.length; i++) {
      min = Math.min(min, b.numeric.pickup_ts[i]!);
      max = Math.max(max, b.numeric.pickup_ts[i]!);
      maxDropoff = Math.max(maxDropoff, b.numeric.dropoff_ts[i]!);
      if (Number.isNaN(b.numeric.payment_type[i]!)) nullPayment++;
    }
  }
  return { rows, min, max, maxDropoff, nullPayment };
}

const naive = (text: string): number => Date.parse(`${text.replace(" ", "T")}Z`);

Deno.test("readTripBatches() reads all 56,551 rows of green 2024-01 with naive timestamps", async () => {
  const batches = await collect(GREEN_2024_01);
  const s = stats(batches);
  assert.equal(s.rows, 56_551);
  assert.equal(s.min, naive("2023-12-31 14:38:47"));
  assert.equal(s.max, naive("2024-01-31 23:57:29"));
  assert.equal(s.maxDropoff, naive("2024-02-01 19:17:30"));
  assert.ok(batches.every((b) => b.tripType === "green"));
  assert.ok(batches.every((b) => b.sourceFile === "green_tripdata_2024-01.parquet"));
});

Deno.test("readTripBatches() keeps green's null block of 3,415 rows as NaN together", async () => {
  const batches = await collect(GREEN_2024_01);
  let block = 0, tripTypeNull = 0, flagNull = 0;
  for (const b of batches) {
    for (let i = 0; i < b.length; i++) {
      const n = b.numeric;
      const nulls = [n.ratecode_id, n.passenger_count, n.payment_type, n.congestion_surcharge]
        .map((column) => Number.isNaN(column[i]!));
      if (nulls.every(Boolean)) block++;
      else assert.ok(!nulls.some(Boolean), `row ${b.firstRow + i} breaks the null block`);
      if (Number.isNaN(n.trip_type_code[i]!)) tripTypeNull++;
      if (b.storeAndFwdFlag[i] === null) flagNull++;
      assert.ok(Number.isNaN(n.ehail_fee[i]!), "ehail_fee is always null in green 2024-01");
      assert.ok(Number.isNaN(n.airport_fee[i]!), "green has no airport_fee column");
      assert.ok(Number.isNaN(n.cbd_congestion_fee[i]!), "no cbd_congestion_fee before 2025");
    }
  }
  assert.equal(block, 3_415);
  assert.equal(flagNull, 3_415);
  assert.equal(tripTypeNull, 3_418);
});

Deno.test("readTripBatches() maps the first green row field by field", async () => {
  const [first] = await collect(GREEN_2024_01, { batchRows: 10 });
  assert.deepEqual(rowOf(first!, 0), {
    trip_type: "green",
    vendor_id: 2,
    pickup_ts: naive("2024-01-01 00:46:55"),
    dropoff_ts: naive("2024-01-01 00:58:25"),
    passenger_count: 1,
    trip_distance: 1.98,
    ratecode_id: 1,
    store_and_fwd_flag: "N",
    pu_location_id: 236,
    do_location_id: 239,
    payment_type: 1,
    fare_amount: 12.8,
    extra: 1,
    mta_tax: 0.5,
    tip_amount: 3.61,
    tolls_amount: 0,
    improvement_surcharge: 1,
    total_amount: 21.66,
    congestion_surcharge: 2.75,
    airport_fee: null,
    cbd_congestion_fee: null,
    ehail_fee: null,
    trip_type_code: 1,
  });
});

Deno.test("readTripBatches() reads green 2023-12 (64,215 rows, 4,912 null-block rows)", async () => {
  const s = stats(await collect(GREEN_2023_12));
  assert.equal(s.rows, 64_215);
  assert.equal(s.nullPayment, 4_912);
  assert.equal(s.min, naive("2023-11-24 21:03:34"));
  assert.equal(s.max, naive("2023-12-31 23:59:19"));
});

Deno.test("readTripBatches() reads the pandas yellow sample: DOUBLE counts, Airport_fee, cbd fee", async () => {
  const batches = await collect(YELLOW_SAMPLE);
  const s = stats(batches);
  assert.equal(s.rows, 5_000);
  assert.equal(s.min, naive("2025-02-01 00:00:22"));
  assert.equal(s.max, naive("2025-02-28 23:57:04"));
  assert.equal(s.maxDropoff, naive("2025-03-01 00:07:49"));
  let airportNull = 0, airportFee = 0, cbd = 0, vendor7 = 0, passengersNull = 0;
  for (const b of batches) {
    assert.equal(b.tripType, "yellow");
    for (let i = 0; i < b.length; i++) {
      if (Number.isNaN(b.numeric.airport_fee[i]!)) airportNull++;
      if (b.numeric.airport_fee[i] === 1.75) airportFee++;
      if (b.numeric.cbd_congestion_fee[i] === 0.75) cbd++;
      if (b.numeric.vendor_id[i] === 7) vendor7++;
      if (Number.isNaN(b.numeric.passenger_count[i]!)) passengersNull++;
      assert.ok(Number.isNaN(b.numeric.trip_type_code[i]!), "yellow has no trip_type");
      assert.ok(Number.isNaN(b.numeric.ehail_fee[i]!), "yellow has no ehail_fee");
    }
  }
  assert.equal(airportNull, 1_125);
  assert.ok(airportFee > 0, "Airport_fee (capital A) was read");
  assert.equal(cbd, 3_624);
  assert.equal(vendor7, 7);
  assert.equal(passengersNull, 1_125);
});

Deno.test("readTripBatches() splits into batches of batchRows with consecutive firstRow", async () => {
  const batches = await collect(GREEN_2024_01, { batchRows: 10_000 });
  assert.deepEqual(batches.map((b) => b.length), [10_000, 10_000, 10_000, 10_000, 10_000, 6_551]);
  assert.deepEqual(batches.map((b) => b.firstRow), [0, 10_000, 20_000, 30_000, 40_000, 50_000]);
  for (const b of batches) {
    assert.equal(b.storeAndFwdFlag.length, b.length);
    for (const column of Object.values(b.numeric)) assert.equal(column.length, b.length);
  }
});

Deno.test("readTripBatches() reads only the requested columns, the rest null", async () => {
  const [batch] = await collect(GREEN_2024_01, { columns: ["pickup_ts", "total_amount"] });
  assert.equal(batch!.numeric.total_amount[0], 21.66);
  assert.equal(batch!.numeric.pickup_ts[0], naive("2024-01-01 00:46:55"));
  assert.ok(Number.isNaN(batch!.numeric.fare_amount[0]!));
  assert.equal(batch!.storeAndFwdFlag[0], null);
});

Deno.test("readTripBatches() refuses a trip type the file's columns contradict", async () => {
  await assert.rejects(
    () => collect(GREEN_2024_01, { tripType: "yellow", batchRows: 5 }),
    /as yellow trips: its lpep_ columns say green/,
  );
  const [batch] = await collect(GREEN_2024_01, { tripType: "green", batchRows: 5 });
  assert.equal(batch!.tripType, "green");
});

Deno.test("readTripBatches() rejects a non-positive batch size", async () => {
  await assert.rejects(() => collect(GREEN_2024_01, { batchRows: 0 }), RangeError);
});

Deno.test("readTripBatches() reads the same rows whatever the batch size, across pages and row groups", async () => {
  const dir = await Deno.makeTempDir({ prefix: "cf_batches_" });
  try {
    // INT96 goes through hyparquet's whole-group decoding, the other units straight to batches.
    for (const unit of ["MICROS", "INT96"] as const) {
      const path = `${dir}/${unit}.parquet`;
      await writeFixture(path, taxiColumns(3_000, { unit }), {
        rowGroupSize: 1_100,
        pageSize: 512,
      });
      const rowsOf = async (batchRows: number) => {
        const rows: string[] = [];
        for await (const batch of readTripBatches(path, { batchRows })) {
          for (let i = 0; i < batch.length; i++) rows.push(JSON.stringify(rowOf(batch, i)));
        }
        return rows;
      };
      const whole = await rowsOf(100_000);
      assert.equal(whole.length, 3_000);
      assert.equal(new Set(whole).size, 3_000, "every row differs");
      for (const batchRows of [1, 7, 64, 1_100]) {
        assert.deepEqual(await rowsOf(batchRows), whole, `${unit}, batches of ${batchRows}`);
      }
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
