import assert from "node:assert/strict";
import {
  mulberry32,
  ReplayPlanner,
  stableOrder,
} from "../../../../src/domain/events/replay_plan.ts";

const MIN = 60_000;

function plannerWithTrips(options: ConstructorParameters<typeof ReplayPlanner>[0] = {}) {
  const planner = new ReplayPlanner(options);
  const base = Date.UTC(2024, 0, 1);
  for (let i = 0; i < 2_000; i++) {
    const pickup = base + ((i * 7_919) % 1_000) * MIN;
    planner.addTrip(pickup, pickup + (5 + (i % 30)) * MIN);
  }
  return planner;
}

Deno.test("ReplayPlanner orders all events by event time, types in order on ties", () => {
  const events = [...plannerWithTrips().plan()];
  assert.equal(events.length, 6_000);
  for (let i = 1; i < events.length; i++) assert.ok(events[i - 1]!.sendMs <= events[i]!.sendMs);
  const seen = new Map<number, string[]>();
  for (const e of events) seen.set(e.trip, [...seen.get(e.trip) ?? [], e.type]);
  for (const types of seen.values()) {
    assert.deepEqual(types, ["trip_started", "trip_ended", "payment_processed"]);
  }
});

Deno.test("ReplayPlanner's shuffle window delays events by at most the window", () => {
  const window = 10 * MIN;
  const clean = [...plannerWithTrips().plan()];
  const shuffled = [...plannerWithTrips({ shuffleWindowMs: window, seed: 9 }).plan()];
  const sendOf = (list: typeof clean) =>
    new Map(list.map((e) => [`${e.trip}/${e.type}`, e.sendMs]));
  const before = sendOf(clean);
  let moved = 0;
  for (const [id, ms] of sendOf(shuffled)) {
    const delay = ms - before.get(id)!;
    assert.ok(delay >= 0 && delay <= window, `${id} delayed ${delay}`);
    if (delay > 0) moved++;
  }
  assert.ok(moved > 5_000);
});

Deno.test("ReplayPlanner drops, duplicates and delays as seeded; same seed, same plan", () => {
  const options = {
    duplicateRate: 0.1,
    lateRate: 0.1,
    lateByMs: 60 * MIN,
    dropRate: 0.05,
    seed: 4,
  };
  const a = plannerWithTrips(options);
  const planA = [...a.plan()];
  const planB = [...plannerWithTrips(options).plan()];
  assert.deepEqual(planA, planB);
  const { duplicated, dropped, late } = a.counts;
  assert.equal(planA.length, 6_000 + duplicated - dropped);
  assert.equal(planA.filter((e) => e.duplicate).length, duplicated);
  assert.ok(dropped > 50 && dropped < 150, `dropped ${dropped}`);
  assert.ok(late > 120 && late < 280, `late ${late}`);
  const perTrip = new Map<number, number>();
  for (const e of planA) if (!e.duplicate) perTrip.set(e.trip, (perTrip.get(e.trip) ?? 0) + 1);
  assert.equal([...perTrip.values()].filter((n) => n === 2).length, dropped);
  assert.notDeepEqual([...plannerWithTrips({ ...options, seed: 5 }).plan()], planA);
});

Deno.test("ReplayPlanner counts no payment late when late payments are delayed by nothing", () => {
  const planner = plannerWithTrips({ lateRate: 1, lateByMs: 0, seed: 4 });
  assert.equal(planner.counts.late, 0);
  const late = plannerWithTrips({ lateRate: 1, lateByMs: 1, seed: 4 });
  assert.equal(late.counts.late, 2_000);
});

/** Asserts that the `[pickup, dropoff]` trips plan exactly the events they imply, in order. */
function assertPlanOf(trips: readonly [number, number][]) {
  const planner = new ReplayPlanner();
  for (const [pickup, dropoff] of trips) planner.addTrip(pickup, dropoff);
  const expected = trips.flatMap(([pickup, dropoff], trip) => [
    { trip, type: "trip_started", sendMs: pickup, duplicate: false },
    { trip, type: "trip_ended", sendMs: dropoff, duplicate: false },
    { trip, type: "payment_processed", sendMs: dropoff, duplicate: false },
  ]).sort((a, b) => a.sendMs - b.sendMs || a.trip - b.trip);
  assert.deepEqual([...planner.plan()], expected);
}

Deno.test("ReplayPlanner keeps exact send times and order within 49 days (radix sort)", () => {
  // Ties on every 11-bit digit of the offsets, and offsets using all three digits.
  const random = mulberry32(3);
  const base = Date.UTC(2024, 1, 1);
  assertPlanOf(Array.from({ length: 5_000 }, () => {
    const pickup = base + Math.floor(random() * 40) * 86_400_000 + Math.floor(random() * 4) * 2_048;
    return [pickup, pickup + Math.floor(random() * 3) * 4_194_304];
  }));
});

Deno.test("ReplayPlanner keeps exact send times and order across decades", () => {
  // Spans of 2^32 ms and more take the comparator sort.
  assertPlanOf([2024, 2001, 2012].map((year) => {
    const pickup = Date.UTC(year, 0, 1);
    return [pickup, pickup + 10 * MIN];
  }));
  // Offsets of 53 bits, the widest exact span.
  assertPlanOf(Array.from({ length: 1_000 }, (_, i) => {
    const pickup = -4e15 + ((i * 7_919) % 1_009) * 7.9e12 + (i % 3) * MIN;
    return [pickup, pickup + (5 + (i % 30)) * MIN];
  }));
});

Deno.test("ReplayPlanner plans past 2^26 event refs (months of 11.2 M trips and more)", () => {
  // Yellow months of 2009-2015 hold 12-16 M rows; refs once had 26 bits, 11,184,810 trips.
  const trips = 11_200_000;
  const planner = new ReplayPlanner();
  const base = Date.UTC(2015, 0, 1);
  for (let i = 0; i < trips; i++) {
    const pickup = base + (trips - i) * 200;
    planner.addTrip(pickup, pickup + 10 * MIN);
  }
  let count = 0, last = -Infinity, lastOfFirstTrip = "";
  const firstThree: number[] = [];
  for (const event of planner.plan()) {
    assert.ok(event.sendMs >= last);
    last = event.sendMs;
    if (count++ < 3) firstThree.push(event.trip);
    if (event.trip === 0) lastOfFirstTrip = event.type;
  }
  assert.equal(count, 3 * trips);
  // Pickups run backwards: the last trips added start first, the first one ends last.
  assert.deepEqual(firstThree, [trips - 1, trips - 2, trips - 3]);
  assert.equal(lastOfFirstTrip, "payment_processed");
  assert.equal(last, base + trips * 200 + 10 * MIN);
});

Deno.test("stableOrder() sorts like a stable comparator sort, ties in input order", () => {
  const random = mulberry32(8);
  const sizes = [0, 1, 2, 1_000, 50_000];
  // Keys of one digit, of few distinct values, and of all 32 bits.
  const draws = [
    () => Math.floor(random() * 2_048),
    () => Math.floor(random() * 5) << 21,
    () => Math.floor(random() * 2 ** 32),
  ];
  for (const n of sizes) {
    for (const draw of draws) {
      const input = Uint32Array.from({ length: n }, draw);
      const expected = [...input.keys()].sort((a, b) => input[a]! - input[b]! || a - b);
      const { keys, order } = stableOrder(input.slice());
      assert.deepEqual([...order], expected);
      assert.deepEqual([...keys], expected.map((i) => input[i]!));
    }
  }
});

Deno.test("mulberry32() is deterministic and uniform enough", () => {
  const random = mulberry32(1);
  let sum = 0;
  for (let i = 0; i < 10_000; i++) sum += random();
  assert.ok(Math.abs(sum / 10_000 - 0.5) < 0.02);
});
