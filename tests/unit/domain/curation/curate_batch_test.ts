import assert from "node:assert/strict";
import type { RawTrip } from "../../../../schemas/raw_trip.ts";
import { batchFromRows } from "../../../../src/domain/raw_trip_batch.ts";
import {
  createCurationState,
  curateBatch,
  passesRowRules,
} from "../../../../src/domain/curation/curate_batch.ts";
import { monthIndexOfPeriod } from "../../../../src/domain/curation/period.ts";
import { reasonOfCode } from "../../../../src/domain/curation/reasons.ts";
import { keyHex, tripKey, tripKeyDigests } from "../../../../src/domain/curation/trip_key.ts";
import { BASE_ROW, row } from "./_rows.ts";

const PICKUP = BASE_ROW.pickup_ts!;
const S = 1000;
/** Miles that make exactly 200 km/h in one hour (checked below). */
const EXACT_200_KMH_MILES = 200 / 1.609344;

function verdict(r: RawTrip, period: string | null = "2024-01"): string {
  const batch = batchFromRows([r], { tripType: r.trip_type, sourceFile: "f.parquet" });
  const verdicts = curateBatch(batch, createCurationState({ period: period ?? undefined }));
  return verdicts.codes[0] === 0 ? "accepted" : reasonOfCode(verdicts.codes[0]!);
}

Deno.test("the exact-200 km/h case really is 200 km/h in floating point", () => {
  assert.equal(EXACT_200_KMH_MILES * 1.609344 / (3600 / 3600), 200);
});

const CASES: [string, Partial<RawTrip>, string][] = [
  ["base row", {}, "accepted"],
  ["null pickup", { pickup_ts: null }, "missing_timestamp"],
  ["null dropoff", { dropoff_ts: null }, "missing_timestamp"],
  ["pickup at first instant of period", {
    pickup_ts: Date.UTC(2024, 0, 1),
    dropoff_ts: Date.UTC(2024, 0, 1, 0, 10),
  }, "accepted"],
  ["pickup 1 ms before period", {
    pickup_ts: Date.UTC(2024, 0, 1) - 1,
    dropoff_ts: Date.UTC(2024, 0, 1, 0, 10),
  }, "outside_period"],
  ["pickup at last ms of period", {
    pickup_ts: Date.UTC(2024, 1, 1) - 1,
    dropoff_ts: Date.UTC(2024, 1, 1, 0, 10),
  }, "accepted"],
  ["pickup at next month", {
    pickup_ts: Date.UTC(2024, 1, 1),
    dropoff_ts: Date.UTC(2024, 1, 1, 0, 10),
  }, "outside_period"],
  ["zero duration", { dropoff_ts: PICKUP }, "non_positive_duration"],
  ["negative duration", { dropoff_ts: PICKUP - S }, "non_positive_duration"],
  ["duration 1 ms", { dropoff_ts: PICKUP + 1, trip_distance: 0 }, "accepted"],
  ["duration exactly 21600 s", { dropoff_ts: PICKUP + 21_600 * S }, "accepted"],
  ["duration 21601 s", { dropoff_ts: PICKUP + 21_601 * S }, "duration_over_limit"],
  ["duration 21600.001 s", { dropoff_ts: PICKUP + 21_600 * S + 1 }, "duration_over_limit"],
  ["PU zone 0", { pu_location_id: 0 }, "unknown_zone"],
  ["PU zone 1", { pu_location_id: 1 }, "accepted"],
  ["PU zone 265", { pu_location_id: 265 }, "accepted"],
  ["PU zone 266", { pu_location_id: 266 }, "unknown_zone"],
  ["PU zone null", { pu_location_id: null }, "unknown_zone"],
  ["DO zone 0", { do_location_id: 0 }, "unknown_zone"],
  ["DO zone 1", { do_location_id: 1 }, "accepted"],
  ["DO zone 265", { do_location_id: 265 }, "accepted"],
  ["DO zone 266", { do_location_id: 266 }, "unknown_zone"],
  ["DO zone null", { do_location_id: null }, "unknown_zone"],
  ["DO zone 1.5", { do_location_id: 1.5 }, "unknown_zone"],
  ["total null", { total_amount: null }, "invalid_amount"],
  ["total -0.01", { total_amount: -0.01 }, "invalid_amount"],
  ["total 0", { total_amount: 0 }, "accepted"],
  ["total exactly 1000", { total_amount: 1000 }, "accepted"],
  ["total 1000.01", { total_amount: 1000.01 }, "invalid_amount"],
  ["fare -0.01", { fare_amount: -0.01 }, "invalid_amount"],
  ["fare 0", { fare_amount: 0 }, "accepted"],
  ["fare null", { fare_amount: null }, "accepted"],
  ["fare above 1000 with valid total", { fare_amount: 1500 }, "accepted"],
  ["distance null", { trip_distance: null }, "invalid_distance"],
  ["distance -0.01", { trip_distance: -0.01 }, "invalid_distance"],
  ["distance 0", { trip_distance: 0 }, "accepted"],
  ["distance exactly 500 in 6 h", {
    trip_distance: 500,
    dropoff_ts: PICKUP + 21_600 * S,
  }, "accepted"],
  [
    "distance 500.01",
    { trip_distance: 500.01, dropoff_ts: PICKUP + 21_600 * S },
    "invalid_distance",
  ],
  ["speed exactly 200 km/h", {
    trip_distance: EXACT_200_KMH_MILES,
    dropoff_ts: PICKUP + 3600 * S,
  }, "accepted"],
  ["speed just over 200 km/h", {
    trip_distance: 124.28,
    dropoff_ts: PICKUP + 3600 * S,
  }, "speed_over_limit"],
  ["1 mile in 29 s (199.8 km/h)", { trip_distance: 1, dropoff_ts: PICKUP + 29 * S }, "accepted"],
  ["1 mile in 28 s (206.9 km/h)", {
    trip_distance: 1,
    dropoff_ts: PICKUP + 28 * S,
  }, "speed_over_limit"],
  ["passengers -1", { passenger_count: -1 }, "invalid_passenger_count"],
  ["passengers 0", { passenger_count: 0 }, "accepted"],
  ["passengers 9", { passenger_count: 9 }, "accepted"],
  ["passengers 10", { passenger_count: 10 }, "invalid_passenger_count"],
  ["passengers null", { passenger_count: null }, "accepted"],
  ["any vendor and payment code", { vendor_id: 99, payment_type: 42 }, "accepted"],
  // Order: the first failing rule names the reason.
  ["null dropoff and bad zone", { dropoff_ts: null, pu_location_id: 0 }, "missing_timestamp"],
  ["outside period and zero duration", {
    pickup_ts: Date.UTC(2023, 11, 31),
    dropoff_ts: Date.UTC(2023, 11, 31),
  }, "outside_period"],
  [
    "zero duration and bad amount",
    { dropoff_ts: PICKUP, total_amount: -1 },
    "non_positive_duration",
  ],
  ["too long and bad zone", {
    dropoff_ts: PICKUP + 30_000 * S,
    pu_location_id: 0,
  }, "duration_over_limit"],
  ["bad zone and bad amount", { pu_location_id: 300, total_amount: null }, "unknown_zone"],
  ["bad amount and bad distance", { total_amount: 2000, trip_distance: -1 }, "invalid_amount"],
  ["bad distance and passengers", { trip_distance: 600, passenger_count: 20 }, "invalid_distance"],
  ["too fast and bad passengers", { trip_distance: 400, passenger_count: 20 }, "speed_over_limit"],
];

for (const [name, changes, expected] of CASES) {
  Deno.test(`curateBatch() ${name}: ${expected}`, () => {
    assert.equal(verdict(row(changes)), expected);
  });
}

Deno.test("curateBatch() skips rule 2 without a period and uses the pickup month", () => {
  const r = row({ pickup_ts: Date.UTC(2019, 4, 31, 23), dropoff_ts: Date.UTC(2019, 5, 1, 0, 5) });
  assert.equal(verdict(r, null), "accepted");
  const batch = batchFromRows([r, row({ pickup_ts: null })], {
    tripType: "green",
    sourceFile: "f.parquet",
  });
  const verdicts = curateBatch(batch, createCurationState());
  assert.deepEqual([...verdicts.periods], [monthIndexOfPeriod("2019-05"), -1]);
});

Deno.test("curateBatch() uses the load period for every row, even a rejected one", () => {
  const batch = batchFromRows([row({ pickup_ts: Date.UTC(2023, 11, 31) })], {
    tripType: "green",
    sourceFile: "f.parquet",
  });
  const verdicts = curateBatch(batch, createCurationState({ period: "2024-01" }));
  assert.deepEqual([...verdicts.periods], [monthIndexOfPeriod("2024-01")]);
});

Deno.test("curateBatch() rejects a repeat of an accepted row as duplicate, across batches", () => {
  const state = createCurationState({ period: "2024-01" });
  const options = { tripType: "green" as const, sourceFile: "f.parquet" };
  const bad = row({ total_amount: -5 });
  const first = curateBatch(batchFromRows([BASE_ROW, bad, bad, BASE_ROW], options), state);
  assert.deepEqual([...first.codes], [0, 6, 6, 10]);
  assert.equal(first.accepted, 1);
  assert.equal(first.rejected.duplicate, 1);
  assert.equal(first.rejected.invalid_amount, 2);
  assert.equal(keyHex(first.keys, 3), tripKey(BASE_ROW));
  const second = curateBatch(batchFromRows([BASE_ROW, row({ tip_amount: 1 })], options), state);
  assert.deepEqual([...second.codes], [10, 0]);
  assert.equal(state.accepted.size, 2);
});

Deno.test("curateBatch() counts every reason, zeros included", () => {
  const batch = batchFromRows([BASE_ROW], { tripType: "green", sourceFile: "f.parquet" });
  const verdicts = curateBatch(batch, createCurationState({ period: "2024-01" }));
  assert.equal(Object.keys(verdicts.rejected).length, 10);
  assert.ok(Object.values(verdicts.rejected).every((n) => n === 0));
});

Deno.test("createCurationState() refuses a malformed period", () => {
  assert.throws(() => createCurationState({ period: "2024-13" }), RangeError);
});

Deno.test("curateBatch() takes trip keys hashed elsewhere, and refuses keys of another batch", () => {
  const batch = batchFromRows([BASE_ROW, row({ fare_amount: 9.5 })], {
    tripType: "green",
    sourceFile: "green_tripdata_2024-01.parquet",
  });
  const keys = tripKeyDigests(batch);
  const verdicts = curateBatch(batch, createCurationState({ period: "2024-01" }), keys);
  assert.equal(verdicts.keys, keys);
  assert.deepEqual(
    verdicts.codes,
    curateBatch(batch, createCurationState({ period: "2024-01" })).codes,
  );
  assert.throws(
    () => curateBatch(batch, createCurationState(), keys.subarray(16)),
    /Expected 32 key bytes for 2 rows, got 16/,
  );
});

Deno.test("passesRowRules() refuses each rule that looks at the row alone, and no other", () => {
  const passes = (changes: Partial<RawTrip>) =>
    passesRowRules(batchFromRows([row(changes)], { tripType: "green", sourceFile: "x" }), 0);
  assert.ok(passes({}));
  assert.ok(passes({ fare_amount: null, passenger_count: null, trip_distance: 0 }));
  // Rule 2 (period) and rule 10 (duplicate) depend on the load, not the row.
  assert.ok(passes({ pickup_ts: Date.UTC(2019, 5, 1), dropoff_ts: Date.UTC(2019, 5, 1, 0, 20) }));
  assert.ok(!passes({ dropoff_ts: null }));
  assert.ok(!passes({ dropoff_ts: PICKUP }));
  assert.ok(!passes({ dropoff_ts: PICKUP + 21_600 * S + 1 }));
  assert.ok(!passes({ pu_location_id: 266 }));
  assert.ok(!passes({ do_location_id: 74.5 }));
  assert.ok(!passes({ total_amount: 1000.01 }));
  assert.ok(!passes({ fare_amount: -0.01 }));
  assert.ok(!passes({ trip_distance: 500.01 }));
  assert.ok(!passes({ trip_distance: 80 }));
  assert.ok(!passes({ passenger_count: 10 }));
  assert.ok(!passes({ passenger_count: 1.5 }));
});
