import assert from "node:assert/strict";
import type { TripEvent } from "../../../../schemas/trip_event.ts";
import { missingTypes, TripAssembler } from "../../../../src/domain/assembly/trip_assembler.ts";
import { tripToEvents } from "../../../../src/domain/events/trip_to_events.ts";
import { originOf, sampleRow } from "../events/_row.ts";

const HOUR = 3_600_000;
const options = { latenessMs: 10 * 60_000, timeoutMs: HOUR };

function eventsOf(minute: number): TripEvent[] {
  const pickup = Date.UTC(2024, 0, 10, 8, minute);
  const row = sampleRow({ pickup_ts: pickup, dropoff_ts: pickup + 20 * 60_000 });
  return tripToEvents(row, originOf(row));
}

Deno.test("TripAssembler completes a trip when all three events arrive, in any order", () => {
  const [started, ended, paid] = eventsOf(0);
  const assembler = new TripAssembler(options);
  assert.equal(assembler.add(paid!), "pending");
  assert.equal(assembler.add(started!), "pending");
  assert.equal(assembler.add(ended!), "completed");
  const [trip] = assembler.takeCompleted();
  assert.equal(trip!.trip_key, started!.trip_key);
  assert.equal(trip!.row.pickup_ts, Date.UTC(2024, 0, 10, 8, 0));
  assert.equal(trip!.was_expired, false);
  assert.deepEqual(assembler.takeCompleted(), []);
  assert.deepEqual(assembler.partials(), []);
});

Deno.test("TripAssembler ignores duplicates, before and after completion", () => {
  const [started, ended, paid] = eventsOf(0);
  const assembler = new TripAssembler(options);
  assembler.add(started!);
  assert.equal(assembler.add(started!), "duplicate");
  assembler.add(ended!);
  assert.equal(assembler.add(paid!), "completed");
  assert.equal(assembler.add(paid!), "done");
  assert.equal(assembler.add(started!), "done");
  assert.equal(assembler.takeCompleted().length, 1);
  assert.deepEqual(assembler.partials(), []);
});

Deno.test("TripAssembler's watermark is the latest event time minus the lateness", () => {
  const assembler = new TripAssembler(options);
  assert.equal(assembler.watermark, -Infinity);
  const [started, ended] = eventsOf(0);
  assembler.add(ended!);
  assembler.add(started!);
  const latest = Date.UTC(2024, 0, 10, 8, 20);
  assert.equal(assembler.maxEventMs, latest);
  assert.equal(assembler.watermark, latest - options.latenessMs);
  assert.equal(assembler.expiryCutoff, latest - options.latenessMs - HOUR);
});

Deno.test("TripAssembler's watermark ignores payment times, and a payment off its dropoff is refused", () => {
  const assembler = new TripAssembler(options);
  const [started, ended, paid] = eventsOf(0);
  // A payment's time cannot be checked before its trip completes: it must not move the watermark.
  assembler.add({ ...paid!, event_ts: "2030-01-01T00:00:00" });
  assert.equal(assembler.watermark, -Infinity);
  assembler.add(started!);
  assert.equal(assembler.add(ended!), "completed");
  assert.equal(assembler.maxEventMs, Date.UTC(2024, 0, 10, 8, 20));
  assert.deepEqual(assembler.takeCompleted(), []);
  const [invalid] = assembler.takeInvalid();
  assert.match(invalid!.error, /its payment: its event_ts 2030-01-01T00:00:00 is not its dropoff/);
});

Deno.test("TripAssembler expires partials older than the timeout, with what is missing", () => {
  const assembler = new TripAssembler(options);
  const [started] = eventsOf(0);
  assembler.add(started!);
  const [laterStart, laterEnd] = eventsOf(69);
  assembler.add(laterStart!);
  assert.deepEqual(assembler.expire(), []); // 08:00 is not yet an hour behind 09:09 - 10 min
  assembler.add(laterEnd!); // watermark 09:29 - 10 min = 09:19
  const expired = assembler.expire();
  assert.deepEqual(expired.map((p) => p.trip_key), [started!.trip_key]);
  assert.deepEqual(missingTypes(expired[0]!), ["trip_ended", "payment_processed"]);
  assert.deepEqual(assembler.expire(), [], "an expired trip expires once");
  assert.deepEqual(assembler.expireAll().map((p) => p.trip_key), [laterStart!.trip_key]);
});

Deno.test("TripAssembler completes an expired trip when its late events arrive", () => {
  const assembler = new TripAssembler(options);
  const [started, ended, paid] = eventsOf(0);
  assembler.add(started!);
  assembler.add(ended!);
  assembler.add(eventsOf(200)[0]!);
  assert.equal(assembler.expire().length, 1);
  assert.equal(assembler.add(paid!), "completed");
  const [trip] = assembler.takeCompleted();
  assert.equal(trip!.was_expired, true);
});

Deno.test("TripAssembler.load() merges restored state from several places", () => {
  const [started, ended, paid] = eventsOf(0);
  const assembler = new TripAssembler({ ...options, maxEventMs: Date.UTC(2024, 0, 10, 12) });
  assert.equal(assembler.maxEventMs, Date.UTC(2024, 0, 10, 12));
  const key = started!.trip_key;
  assembler.load({
    trip_key: key,
    events: { trip_ended: ended! },
    first_event_ms: 2,
    expired: false,
  });
  assembler.load({
    trip_key: key,
    events: { trip_started: started! },
    first_event_ms: 1,
    expired: true,
  });
  const held = assembler.get(key)!;
  assert.equal(held.first_event_ms, 1);
  assert.equal(held.expired, true);
  assert.deepEqual(missingTypes(held), ["payment_processed"]);
  assert.equal(assembler.add(paid!), "completed");
  assembler.markDone(["other"]);
  assert.equal(assembler.add({ ...started!, trip_key: "other" }), "done");
});

Deno.test("TripAssembler refuses trips that curation would reject, though their keys match", () => {
  // Each forged row hashes to its own key: only the rules can refuse it. A dropoff at
  // pickup made the KPI sums divide by zero, and the assembler stopped for good.
  const pickup = Date.UTC(2024, 0, 10, 8, 0);
  const forged: [Parameters<typeof sampleRow>[0], string, RegExp][] = [
    [{ pickup_ts: pickup, dropoff_ts: pickup }, "2024-01", /curation rejects/],
    [
      { pickup_ts: pickup, dropoff_ts: pickup + 20 * 60_000, total_amount: 1e13 },
      "2024-01",
      /curation rejects/,
    ],
    [
      { pickup_ts: pickup, dropoff_ts: pickup + 20 * 60_000, pu_location_id: 9999 },
      "2024-01",
      /curation rejects/,
    ],
    [
      { pickup_ts: pickup, dropoff_ts: pickup + 20 * 60_000 },
      "2023-05",
      /outside its period 2023-05/,
    ],
    // No rule bounds the fare, but numeric(12,2) does: its COPY would fail every round.
    [
      { pickup_ts: pickup, dropoff_ts: pickup + 20 * 60_000, fare_amount: 1e11 },
      "2024-01",
      /the trips table cannot hold: fare_amount 100000000000, too large for numeric\(12,2\)$/,
    ],
  ];
  const assembler = new TripAssembler(options);
  for (const [overrides, period] of forged) {
    const row = sampleRow(overrides);
    for (const event of tripToEvents(row, { ...originOf(row), period })) assembler.add(event);
  }
  assert.deepEqual(assembler.takeCompleted(), []);
  const invalid = assembler.takeInvalid();
  assert.equal(invalid.length, forged.length);
  invalid.forEach((trip, i) => assert.match(trip.error, forged[i]![2], trip.error));
  const [good] = eventsOf(5).map((event) => assembler.add(event)).slice(-1);
  assert.equal(good, "completed");
  assert.equal(assembler.takeCompleted().length, 1, "a valid trip after them is assembled");
});

Deno.test("TripAssembler reports events that rebuild a row with another key as invalid", () => {
  const [started, ended, paid] = eventsOf(0);
  const assembler = new TripAssembler(options);
  assembler.add(started!);
  assembler.add(ended!);
  const tampered = {
    ...paid!,
    data: { ...(paid!.data as object), total_amount: 999 },
  } as TripEvent;
  assert.equal(assembler.add(tampered), "completed");
  assert.deepEqual(assembler.takeCompleted(), []);
  const [invalid] = assembler.takeInvalid();
  assert.equal(invalid!.events.length, 3);
  assert.match(invalid!.error, /rebuild a row with another key/);
  const [s2, e2] = eventsOf(5);
  assert.equal(assembler.add(s2!), "pending");
  assert.equal(assembler.add({ ...e2!, trip_key: "f".repeat(32) } as TripEvent), "pending");
});
