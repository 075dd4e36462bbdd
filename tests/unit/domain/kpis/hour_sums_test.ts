import assert from "node:assert/strict";
import { PgliteStore } from "../../../../src/adapters/pglite/store.ts";
import { hourSumsOf, numericCents, roundHalfEven } from "../../../../src/domain/kpis/hour_sums.ts";
import { row } from "../curation/_rows.ts";

const JAN_1_0510 = Date.UTC(2024, 0, 1, 5, 10);

Deno.test("hourSumsOf() sums by period, zone and hour, counting null fares and tips apart", () => {
  const trips = [
    row({ pickup_ts: JAN_1_0510, dropoff_ts: JAN_1_0510 + 600_000, tip_amount: null }),
    row({
      pickup_ts: JAN_1_0510 + 2_999_000,
      dropoff_ts: JAN_1_0510 + 3_599_000,
      fare_amount: null,
    }),
    row({ pickup_ts: JAN_1_0510 + 3_000_000, dropoff_ts: JAN_1_0510 + 3_600_000 }), // 06:00
    row({ pickup_ts: JAN_1_0510, dropoff_ts: JAN_1_0510 + 600_000, pu_location_id: 7 }),
  ].map((r) => ({ row: r, period: "2024-01" }));
  trips.push({ row: trips[0]!.row, period: "2023-12" });
  const sums = hourSumsOf(trips);
  assert.deepEqual(
    sums.map((s) => [s.period, s.zoneId, new Date(s.hourMs).toISOString(), s.trips]),
    [
      ["2024-01", 236, "2024-01-01T05:00:00.000Z", 2],
      ["2024-01", 236, "2024-01-01T06:00:00.000Z", 1],
      ["2024-01", 7, "2024-01-01T05:00:00.000Z", 1],
      ["2023-12", 236, "2024-01-01T05:00:00.000Z", 1],
    ],
  );
  const first = sums[0]!;
  assert.deepEqual(
    [first.fareTrips, first.fareCents, first.tipTrips, first.tipCents, first.revenueCents],
    [1, 1280n, 1, 0n, 3410n],
  );
  // BASE_ROW: 2.58 miles, payment 2 (cash), 1 passenger; 10 minutes each.
  assert.equal(first.distanceMicromiles, 5_160_000n);
  assert.equal(first.durationMicros, 1_200_000_000n);
  assert.equal(first.speedNanoKmh, 2n * 24_912_645_120n); // 2.58 x 1.609344 x 6
  assert.deepEqual([first.cardTrips, first.passengers], [0, 2]);
});

Deno.test("hourSumsOf() sums exactly past 2^53", () => {
  // Each trip's speed term is about 2^51 nano-km/h; eight of them pass 2^53.
  const fast = row({ trip_distance: 1400, pickup_ts: JAN_1_0510, dropoff_ts: JAN_1_0510 + 3600 });
  // 1400 mi x 1.609344 = 2253.0816 km in 3.6 s (0.001 h): 2,253,081.6 km/h.
  const term = 2_253_081_600_000_000n;
  const [sums] = hourSumsOf(Array.from({ length: 8 }, () => ({ row: fast, period: "2024-01" })));
  assert.equal(sums!.speedNanoKmh, 8n * term);
  assert.ok(sums!.speedNanoKmh > BigInt(Number.MAX_SAFE_INTEGER));
});

Deno.test("roundHalfEven() rounds halves to even and refuses terms past 2^52", () => {
  assert.deepEqual(
    [0.5, 1.5, 2.5, -1.5, -2.5, 2.4999999999999996, 7].map(roundHalfEven),
    [0, 2, 2, -2, -2, 2, 7],
  );
  assert.throws(() => roundHalfEven(2 ** 53), RangeError);
  assert.throws(() => roundHalfEven(NaN), RangeError);
});

Deno.test("numericCents() and roundHalfEven() give what PostgreSQL stores and rounds", async () => {
  await using store = await PgliteStore.open({ schema: "hour_sums" });
  let seed = 42;
  const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
  const values = [
    1.005,
    0.125,
    -0.125,
    2.675,
    0.1 + 0.2,
    1e-7,
    -1e-7,
    12.3,
    0,
    -0,
    999_999_999.995,
    0.005,
    ...Array.from({ length: 3000 }, (_, i) => {
      const x = (random() - 0.2) * 10 ** (i % 7);
      return i % 3 === 0 ? x : Number(x.toFixed(i % 5));
    }),
  ];
  const expected = await store.query<{ cents: string; micros: string }>(
    `select ((x::numeric(12,2)) * 100)::int8::text as cents,
       round(x::float8 * 1e6::float8)::int8::text as micros
     from jsonb_array_elements_text($1::text::jsonb) with ordinality as v(x, i) order by i`,
    [JSON.stringify(values.map(String))],
  );
  const actual = values.map((x) => ({
    cents: String(numericCents(x)),
    micros: String(roundHalfEven(x * 1e6)),
  }));
  const wrong = actual.flatMap((a, i) =>
    a.cents === expected[i]!.cents && a.micros === expected[i]!.micros
      ? []
      : [`${values[i]}: ${JSON.stringify(a)} vs ${JSON.stringify(expected[i])}`]
  );
  assert.deepEqual(wrong, []);
});
