import assert from "node:assert";
import { mulberry32, ReplayPlanner } from "../../../../src/domain/events/replay_plan.ts";

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

Deno.test("mulberry32() is deterministic and uniform enough", () => {
  const random = mulberry32(1);
  let sum = 0;
  for (let i = 0; i < 10_000; i++) sum += random();
  assert.ok(Math.abs(sum / 10_000 - 0.5) < 0.02);
});
