import assert from "node:assert/strict";
import { type TripEvent, tripEventSchema, tripRejectSchema } from "../../../schemas/trip_event.ts";
import { zeroReasonCounts } from "../../../src/domain/curation/reasons.ts";
import { eventId } from "../../../src/domain/events/event_id.ts";
import { eventsToTrip } from "../../../src/domain/events/events_to_trip.ts";
import { fromNaiveIso } from "../../../src/domain/events/naive_time.ts";
import { ChillFlowError } from "../../../src/errors.ts";
import { produceEvents } from "../../../src/pipelines/produce_events.ts";
import { GREEN_2024_01, YELLOW_SAMPLE } from "../../_support/fixtures.ts";
import { EXPECTED_LOADS } from "../../_support/ingest_expectations.ts";
import { RecordingBus } from "./_recording_bus.ts";
import { taxiColumnsWithRow1, writeFixture } from "../../_support/parquet_fixtures.ts";

Deno.test("produceEvents() uses existing topics as they are, and refuses a --partitions they contradict", async () => {
  const bus = new RecordingBus();
  await bus.ensureTopic("q_trip-events", 2);
  await assert.rejects(
    produceEvents(bus, YELLOW_SAMPLE, { topicPrefix: "q_", partitions: 6 }),
    (error: ChillFlowError) => {
      assert.equal(error.code, "CF_USAGE");
      assert.match(error.message, /^Topic "q_trip-events" exists with 2 partitions, not 6/);
      return true;
    },
  );
  const summary = await produceEvents(bus, YELLOW_SAMPLE, { topicPrefix: "q_" });
  assert.ok(summary.events > 0);
  assert.equal(bus.topics.get("q_trip-events")!.partitions, 2);
});

Deno.test("produceEvents() replays green 2024-01 as events in event-time order, rejects aside", async () => {
  const bus = new RecordingBus();
  const summary = await produceEvents(bus, GREEN_2024_01, { topicPrefix: "p_", partitions: 3 });
  assert.equal(summary.accepted, 55_913);
  assert.equal(summary.events, 55_913 * 3);
  assert.deepEqual([...bus.topics.keys()].sort(), [
    "p_trip-events",
    "p_trip-events-dlq",
    "p_trip-rejects",
  ]);
  assert.equal(bus.topics.get("p_trip-events")!.partitions, 3);
  const events = bus.json("p_trip-events").map((e) => tripEventSchema.parse(e));
  assert.equal(events.length, summary.events);
  for (let i = 1; i < events.length; i++) {
    assert.ok(
      fromNaiveIso(events[i - 1]!.event_ts) <= fromNaiveIso(events[i]!.event_ts),
      `event ${i}`,
    );
  }
  assert.equal(new Set(events.map((e) => e.event_id)).size, events.length);
  const messages = bus.topics.get("p_trip-events")!.messages;
  assert.ok(messages.every((m, i) => m.key === events[i]!.trip_key));
  const rejects = bus.json("p_trip-rejects").map((r) => tripRejectSchema.parse(r));
  assert.equal(rejects.length, 56_551 - 55_913);
  const byReason: Record<string, number> = {};
  for (const r of rejects) byReason[r.reason] = (byReason[r.reason] ?? 0) + 1;
  assert.deepEqual(byReason, {
    outside_period: 2,
    non_positive_duration: 76,
    duration_over_limit: 198,
    invalid_amount: 184,
    invalid_distance: 44,
    speed_over_limit: 134,
  });
  assert.deepEqual(summary.rejected, { ...zeroReasonCounts(), ...byReason });
});

/**
 * Asserts that every trip got each of its events once, with its event id, and
 * that each trip's events rebuild a row hashing to its key; returns the trip count.
 */
function assertOwnTrips(events: readonly TripEvent[]): number {
  const trips = new Map<string, Record<string, unknown>>();
  for (const event of events) {
    assert.equal(event.event_id, eventId(event.trip_key, event.event_type));
    const trip = trips.get(event.trip_key) ?? {};
    assert.equal(trip[event.event_type], undefined, `${event.trip_key} ${event.event_type} twice`);
    trip[event.event_type] = event;
    trips.set(event.trip_key, trip);
  }
  for (const trip of trips.values()) {
    // Throws unless the rebuilt row hashes to the events' trip_key.
    eventsToTrip(trip as unknown as Parameters<typeof eventsToTrip>[0]);
  }
  return trips.size;
}

Deno.test("produceEvents() events carry their own trip: each trip's three rebuild a row with its key", async () => {
  const bus = new RecordingBus();
  const summary = await produceEvents(bus, GREEN_2024_01, { topicPrefix: "p_" });
  const events = bus.json("p_trip-events").map((e) => tripEventSchema.parse(e));
  assert.equal(assertOwnTrips(events), summary.accepted);
});

Deno.test("produceEvents() replays a file whose rows are not in pickup order in event-time order, each event with its own trip", async () => {
  // The yellow sample's rows are in random order, so file order and event-time order differ.
  const bus = new RecordingBus();
  const summary = await produceEvents(bus, YELLOW_SAMPLE, { topicPrefix: "p_" });
  const events = bus.json("p_trip-events").map((e) => tripEventSchema.parse(e));
  // What the batch path accepts of the same file.
  const accepted = EXPECTED_LOADS.find((load) => load.path === YELLOW_SAMPLE)!.accepted;
  assert.equal(summary.accepted, accepted);
  assert.equal(events.length, 3 * accepted);
  const times = events.map((e) => fromNaiveIso(e.event_ts));
  for (let i = 1; i < events.length; i++) assert.ok(times[i - 1]! <= times[i]!, `event ${i}`);
  assert.equal(assertOwnTrips(events), accepted);
});

Deno.test("produceEvents() writes no event bytes a publish may still read: a slow bus gets the same events", async () => {
  const quick = new RecordingBus();
  await produceEvents(quick, GREEN_2024_01);
  const quickEvents = quick.json("trip-events");
  assert.equal(quickEvents.length, 55_913 * 3);
  // Chunks of about 2 MB, and of about 20 MB (each outgrowing its 8 MiB buffer).
  for (const chunkMessages of [5_000, 50_000]) {
    // Reads the values only when the publish resolves, a macrotask later, as a
    // network bus may: a chunk buffer reused too early would show up here.
    const slow = new RecordingBus();
    const record = slow.publish.bind(slow);
    slow.publish = (topic, messages) =>
      new Promise((resolve, reject) =>
        setTimeout(() => record(topic, messages).then(resolve, reject))
      );
    await produceEvents(slow, GREEN_2024_01, { chunkMessages });
    assert.deepEqual(slow.json("trip-events"), quickEvents, `chunks of ${chunkMessages}`);
  }
});

Deno.test("produceEvents() fails with the bus's error, publishing nothing, when it cannot make the topics", async () => {
  const bus = new RecordingBus();
  const refused = new ChillFlowError("CF_BUS", "no topics today");
  // As a broker would: the refusal comes while the file is being read.
  bus.ensureTopic = () => new Promise((_, reject) => setTimeout(() => reject(refused), 150));
  let published = 0;
  bus.publish = () => (published++, Promise.resolve());
  await assert.rejects(produceEvents(bus, GREEN_2024_01), (error: unknown) => error === refused);
  assert.equal(published, 0);
});

Deno.test("produceEvents() injects seeded, reproducible disorder", async () => {
  const run = async () => {
    const bus = new RecordingBus();
    const summary = await produceEvents(bus, GREEN_2024_01, {
      shuffleWindowMs: 30_000,
      duplicateRate: 0.05,
      lateRate: 0.05,
      lateByMs: 3_600_000,
      dropRate: 0.01,
      seed: 42,
    });
    return { summary, ids: bus.json("trip-events").map((e) => e.event_id as string) };
  };
  const first = await run();
  const second = await run();
  assert.deepEqual(second.ids, first.ids);
  const { duplicated, late, dropped, events } = first.summary;
  assert.ok(duplicated > 7_000 && duplicated < 9_800, `duplicated ${duplicated}`);
  assert.ok(late > 2_300 && late < 3_300, `late ${late}`);
  assert.ok(dropped > 400 && dropped < 720, `dropped ${dropped}`);
  assert.equal(events, 55_913 * 3 + duplicated - dropped);
  assert.equal(new Set(first.ids).size, 55_913 * 3 - dropped);
});

Deno.test("produceEvents() refuses, as ingest does, a file with a row the tables cannot hold", async () => {
  const dir = await Deno.makeTempDir({ prefix: "cf_produce_unstorable_" });
  const yearZero = new Date(0).setUTCFullYear(0, 5, 1);
  // Without a period in the name rule 2 is skipped, so any year passes curation.
  const cases: [number, number | null, RegExp][] = [
    [Date.UTC(10_000, 0, 1), null, /row 1 has pickup_ts \+010000-01-01T00:00:00\.000Z, outside/],
    // A negative total is rejected: its row goes to trip-rejects, whose period is a date.
    [yearZero, -1, /row 1 has a pickup in the year 0, which no date holds/],
  ];
  try {
    for (const [index, [pickup, total, message]] of cases.entries()) {
      const path = `${dir}/${index}_yellow_tripdata_far.parquet`;
      await writeFixture(path, taxiColumnsWithRow1(pickup, total));
      const bus = new RecordingBus();
      await assert.rejects(produceEvents(bus, path), (error: unknown) => {
        assert.ok(error instanceof ChillFlowError, String(error));
        assert.equal(error.code, "CF_INPUT_FILE");
        assert.match(error.message, message);
        return true;
      });
      assert.equal(bus.topics.get("trip-events")?.messages.length ?? 0, 0, "no event went out");
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("produceEvents() stopped while reading sends no event; stopped while publishing, none after the chunks in flight", async () => {
  const early = new RecordingBus();
  const before = await produceEvents(early, YELLOW_SAMPLE, { signal: AbortSignal.abort() });
  assert.deepEqual([before.interrupted, before.events], [true, 0]);
  assert.equal(early.topics.get("trip-events")!.messages.length, 0);
  const late = new RecordingBus();
  const stop = new AbortController();
  const during = await produceEvents(late, YELLOW_SAMPLE, {
    chunkMessages: 1_000,
    signal: stop.signal,
    progress: () => stop.abort(),
  });
  assert.equal(during.interrupted, true);
  const published = late.topics.get("trip-events")!.messages.length;
  assert.equal(published, during.events);
  // The first chunk's progress stops it; the second was already under way.
  assert.ok(published > 0 && published <= 2_000, String(published));
});
