import assert from "node:assert/strict";
import {
  isPeriod,
  monthIndexOfPeriod,
  monthIndexOfTimestamp,
  monthStartMs,
  periodFromFileName,
  periodOfMonthIndex,
} from "../../../../src/domain/curation/period.ts";

Deno.test("periodFromFileName() reads *_tripdata_YYYY-MM.parquet only", () => {
  assert.equal(periodFromFileName("/x/yellow_tripdata_2024-01.parquet"), "2024-01");
  assert.equal(periodFromFileName("fhvhv_tripdata_2025-12.parquet"), "2025-12");
  assert.equal(periodFromFileName("green_tripdata_2024-13.parquet"), undefined);
  assert.equal(periodFromFileName("green_2024-01.parquet"), undefined);
  assert.equal(periodFromFileName("yellow_tripdata_sample.parquet"), undefined);
});

Deno.test("period helpers agree on month bounds", () => {
  assert.equal(isPeriod("2024-00"), false);
  const december = monthIndexOfPeriod("2023-12");
  assert.equal(periodOfMonthIndex(december + 1), "2024-01");
  assert.equal(monthStartMs(december + 1), Date.UTC(2024, 0, 1));
  assert.equal(monthIndexOfTimestamp(Date.UTC(2024, 0, 1) - 1), december);
  assert.throws(() => monthIndexOfPeriod("24-01"), RangeError);
});
