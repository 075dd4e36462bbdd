import assert from "node:assert/strict";
import { prepareRound, writeRound } from "../../../src/pipelines/_assembly_round.ts";
import { originOf } from "../domain/events/_row.ts";
import { ALL_TYPES, assembleRound, batch, origin, sampleTrip, world } from "./_round_world.ts";
import type { RecordingBus } from "./_recording_bus.ts";

Deno.test("a round completes a trip whose events one round got from several partitions", async () => {
  await using w = await world();
  const { store, partials, context } = w;
  // Not our producer's doing (it keys every event of a trip alike), but another's could be.
  const counts = await assembleRound(context, [
    batch(0, ["trip_started", "trip_ended"]),
    batch(1, ["payment_processed"]),
  ]);
  assert.equal(counts.completed, 1);
  assert.equal(counts.events, 3);
  const [trips] = await store.query<{ n: number }>("select count(*)::int as n from trips");
  assert.equal(trips!.n, 1);
  assert.deepEqual(await partials.load([origin.tripKey]), [], "no partial trip left behind");
});

Deno.test("a round keeps a trip split over partitions whole in the cache until it completes", async () => {
  await using w = await world();
  const { partials, context } = w;
  await assembleRound(context, [batch(0, ["trip_started"]), batch(1, ["trip_ended"])]);
  const [held] = await partials.load([origin.tripKey]);
  assert.deepEqual(Object.keys(held!.events).sort(), ["trip_ended", "trip_started"]);
  const counts = await assembleRound(context, [batch(2, ["payment_processed"])]);
  assert.equal(counts.completed, 1);
  assert.deepEqual(await partials.load([origin.tripKey]), []);
});

Deno.test("a round removes from the cache only the settled trips it read from it", async () => {
  await using w = await world();
  const { context, deleted } = w;
  const other = { ...sampleTrip, tip_amount: 1.5 };
  // The sample trip starts and settles within one round: it never was in the cache.
  await assembleRound(context, [batch(0, ALL_TYPES)]);
  assert.deepEqual(deleted, []);
  await assembleRound(context, [batch(0, ["trip_started"], 3, other)]);
  assert.deepEqual(deleted, []);
  await assembleRound(context, [batch(0, ["trip_ended", "payment_processed"], 4, other)]);
  assert.deepEqual(deleted, [`t:p:${originOf(other).tripKey}`]);
});

Deno.test("writeRound() of a member that lost the partition never overwrites what its new owner saved", async () => {
  await using w = await world();
  const { partials, context } = w;
  // The old owner still writes offset 0 while the new owner, starting from the last
  // committed offset, has already read offsets 0 and 1; its round reaches the store first.
  const stale = await prepareRound(context, [batch(0, ["trip_started"])]);
  const fresh = await prepareRound(context, [batch(0, ["trip_started", "trip_ended"])]);
  await Promise.all([writeRound(context, fresh), writeRound(context, stale)]);
  const [held] = await partials.load([origin.tripKey]);
  assert.deepEqual(Object.keys(held!.events).sort(), ["trip_ended", "trip_started"]);
  const counts = await assembleRound(context, [batch(0, ["payment_processed"], 2)]);
  assert.equal(counts.completed, 1);
});

Deno.test("a round redelivered after its commit is written again looking up every key: nothing is stored twice", async () => {
  await using w = await world();
  const { store, partials, context } = w;
  assert.equal((await assembleRound(context, [batch(0, ALL_TYPES)])).completed, 1);
  // A crash after the commit, before the offsets: the bus hands the same round over again.
  const again = await assembleRound(context, [batch(0, ALL_TYPES)]);
  assert.deepEqual([again.completed, again.duplicates, again.expired], [0, 3, 0]);
  const [trips] = await store.query<{ n: number }>("select count(*)::int as n from trips");
  assert.equal(trips!.n, 1);
  assert.deepEqual(await partials.load([origin.tripKey]), []);
});

Deno.test("a copy of a stored trip's event is held until it expires, then dropped as a duplicate, never made incomplete", async () => {
  await using w = await world();
  const { store, partials, context } = w;
  // No lateness and no timeout: a partial expires as soon as a later event is seen.
  const eager = { ...context, latenessMs: 0, timeoutMs: 0 };
  assert.equal((await assembleRound(eager, [batch(0, ALL_TYPES)])).completed, 1);
  const copy = await assembleRound(eager, [batch(0, ["trip_started"], 3)]);
  assert.deepEqual([copy.completed, copy.duplicates, copy.expired], [0, 1, 0]);
  const [left] = await store.query<{ trips: number; incomplete: number }>(
    `select (select count(*)::int from trips) as trips,
         (select count(*)::int from incomplete_trips) as incomplete`,
  );
  assert.deepEqual(left, { trips: 1, incomplete: 0 });
  assert.deepEqual(await partials.load([origin.tripKey]), [], "the copy is not held any more");
});

Deno.test("a round adds its trips to one sums row per zone-hour, under the lowest partition it holds", async (t) => {
  const other = { ...sampleTrip, fare_amount: sampleTrip.fare_amount! + 1 };
  // Two batches of one partition count once; batches of two partitions share one row.
  for (const [first, second, source] of [[4, 4, 4], [5, 2, 2]]) {
    await t.step(`partitions ${first} and ${second}`, async () => {
      await using w = await world();
      const counts = await assembleRound(w.context, [
        batch(first!, ALL_TYPES),
        batch(second!, ALL_TYPES, 3, other),
      ]);
      assert.equal(counts.completed, 2);
      const sums = await w.store.query<{ source: number; trips: number }>(
        "select source, trips::int from kpi_hour_sums",
      );
      assert.deepEqual(sums, [{ source, trips: 2 }]);
    });
  }
});

Deno.test("a round dead-letters an event whose time is not its own pickup or dropoff, with its bytes", async () => {
  await using w = await world();
  const { partials, context } = w;
  const forged = batch(0, ["trip_started", "trip_ended"]);
  const started = JSON.parse(new TextDecoder().decode(forged.messages[0]!.value));
  // One forged time would have moved the partition's watermark to 2030 for good.
  const bytes = new TextEncoder().encode(
    JSON.stringify({ ...started, event_ts: "2030-01-01T00:00:00" }),
  );
  forged.messages[0] = { ...forged.messages[0]!, value: bytes };
  const counts = await assembleRound(context, [forged]);
  assert.equal(counts.deadLetters, 1);
  const [letter] = (context.bus as RecordingBus).topics.get(context.topics.dlq)!.messages;
  const dead = JSON.parse(String(letter!.value));
  assert.match(
    dead.error,
    new RegExp(
      `^Cannot use event ${started.event_id}: its event_ts 2030-01-01T00:00:00 is not its pickup ` +
        `${started.data.pickup_ts}$`,
    ),
  );
  assert.deepEqual(Buffer.from(dead.original_base64, "base64"), Buffer.from(bytes));
  const [held] = await partials.load([origin.tripKey]);
  assert.deepEqual(Object.keys(held!.events), ["trip_ended"], "the valid event is held");
});

Deno.test("a round dead-letters what the tables cannot hold and writes the rest, instead of failing at every restart", async () => {
  await using w = await world();
  const { store, context } = w;
  // Each forged trip hashes to its own key and passes curation: only the columns refuse it.
  const nulFlag = { ...sampleTrip, store_and_fwd_flag: "\u0000" };
  const hugeFare = { ...sampleTrip, fare_amount: 1e11 };
  const reject = (source_row: number, raw: Record<string, string | number | null>) => ({
    topic: context.topics.rejects,
    partition: 0,
    offset: String(source_row),
    key: null,
    value: new TextEncoder().encode(JSON.stringify({
      v: 1,
      source_file: origin.sourceFile,
      source_row,
      trip_key: "0".repeat(32),
      period: "2024-01",
      trip_type: "green",
      reason: "invalid_amount",
      raw,
    })),
  });
  // Alone, it would expire into incomplete_trips, whose period and first time are dates.
  const yearZero = batch(3, ["trip_ended"], 0, {
    ...sampleTrip,
    dropoff_ts: new Date(0).setUTCFullYear(0, 0, 2),
  });
  const counts = await assembleRound(context, [
    batch(0, ALL_TYPES, 0, nulFlag),
    batch(1, ALL_TYPES, 0, hugeFare),
    batch(2, ALL_TYPES),
    yearZero,
    {
      topic: context.topics.rejects,
      partition: 0,
      messages: [reject(7, { store_and_fwd_flag: "\u0000" }), reject(8, { total_amount: -1 })],
    },
  ]);
  assert.deepEqual([counts.completed, counts.rejects, counts.deadLetters], [1, 1, 4]);
  const errors = (context.bus as RecordingBus).topics.get(context.topics.dlq)!.messages
    .map((m) => JSON.parse(String(m.value)).error as string);
  assert.match(errors[0]!, /: its store_and_fwd_flag is text PostgreSQL cannot hold$/);
  assert.match(errors[1]!, /: its time or period is in the year 0/);
  assert.match(errors[2]!, /^Cannot use the reject of row 7 of ".*": it holds text PostgreSQL/);
  assert.match(
    errors[3]!,
    /cannot hold: fare_amount 100000000000, too large for numeric\(12,2\)$/,
  );
  const [stored] = await store.query<{ trips: number; rejects: number }>(
    `select (select count(*)::int from trips) as trips,
         (select count(*)::int from rejected_trips) as rejects`,
  );
  assert.deepEqual(stored, { trips: 1, rejects: 1 });
});

Deno.test("a round dead-letters events stamped at a time the calendar does not have, and completes the trip around them", async () => {
  await using w = await world();
  const { store, context } = w;
  const trip = batch(0, ALL_TYPES);
  const [started, , paid] = trip.messages.map((m) => JSON.parse(new TextDecoder().decode(m.value)));
  const encode = (event: unknown) => new TextEncoder().encode(JSON.stringify(event));
  // Each used to throw in the assembler's time parsing: the round failed at every restart.
  const impossible = [
    { ...paid, event_ts: "2024-13-01T00:00:00" },
    { ...paid, event_ts: "2024-01-01T24:00:00" },
    { ...paid, event_ts: "2024-02-30T00:00:00" },
    {
      ...started,
      event_ts: "2023-02-29T08:00:00",
      data: { ...started.data, pickup_ts: "2023-02-29T08:00:00" },
    },
  ];
  const poisoned = {
    ...trip,
    messages: [
      ...impossible.map((event, i) => ({
        ...trip.messages[0]!,
        offset: String(10 + i),
        value: encode(event),
      })),
      ...trip.messages,
    ],
  };
  const counts = await assembleRound(context, [poisoned]);
  assert.deepEqual([counts.completed, counts.deadLetters], [1, 4]);
  const errors = (context.bus as RecordingBus).topics.get(context.topics.dlq)!.messages
    .map((m) => JSON.parse(String(m.value)).error as string);
  assert.match(errors[0]!, /event_ts/);
  assert.match(errors[1]!, /event_ts/);
  assert.match(
    errors[2]!,
    /its event_ts 2024-02-30T00:00:00 is not a day and time of the calendar$/,
  );
  assert.match(
    errors[3]!,
    /its event_ts 2023-02-29T08:00:00 is not a day and time of the calendar$/,
  );
  const [stored] = await store.query<{ n: number }>("select count(*)::int as n from trips");
  assert.equal(stored!.n, 1);
});

Deno.test("an expired trip that gets one more event and still lacks one stays in incomplete_trips, updated", async () => {
  await using w = await world();
  const { store, context } = w;
  const eager = { ...context, latenessMs: 0, timeoutMs: 0 };
  const pickup = sampleTrip.pickup_ts!;
  const eightHours = 8 * 3_600_000;
  const later = {
    ...sampleTrip,
    pickup_ts: pickup + eightHours,
    dropoff_ts: sampleTrip.dropoff_ts! + eightHours,
  };
  await assembleRound(eager, [batch(0, ["trip_started"])]);
  // A trip eight hours on moves the watermark: the first expires.
  const moved = await assembleRound(eager, [batch(0, ["trip_started"], 1, later)]);
  assert.equal(moved.expired, 1);
  // The first round that read it back from incomplete_trips lost its first-event time.
  await assembleRound(eager, [batch(0, ["trip_ended"], 2)]);
  const rows = await store.query<{ trip_key: string; missing: string[]; first: string }>(
    `select trip_key, missing, first_event_ts::text as first
       from incomplete_trips order by first_event_ts`,
  );
  assert.deepEqual(rows[0], {
    trip_key: origin.tripKey,
    missing: ["payment_processed"],
    first: new Date(pickup).toISOString().replace("T", " ").slice(0, 19),
  });
});

Deno.test("a trip refused once its late events complete it leaves incomplete_trips, as a completed one does", async () => {
  await using w = await world();
  const { store, context } = w;
  const eager = { ...context, latenessMs: 0, timeoutMs: 0 };
  const forged = batch(0, ["trip_started"]);
  const started = JSON.parse(new TextDecoder().decode(forged.messages[0]!.value));
  // Another passenger count: the three events rebuild a row with another key.
  const data = { ...started.data, passenger_count: (started.data.passenger_count ?? 0) + 1 };
  forged.messages[0] = {
    ...forged.messages[0]!,
    value: new TextEncoder().encode(JSON.stringify({ ...started, data })),
  };
  await assembleRound(eager, [forged]);
  const pickup = sampleTrip.pickup_ts!;
  const later = {
    ...sampleTrip,
    pickup_ts: pickup + 8 * 3_600_000,
    dropoff_ts: sampleTrip.dropoff_ts! + 8 * 3_600_000,
  };
  assert.equal((await assembleRound(eager, [batch(0, ["trip_started"], 1, later)])).expired, 1);
  const refused = await assembleRound(eager, [batch(0, ["trip_ended", "payment_processed"], 2)]);
  assert.deepEqual([refused.completed, refused.deadLetters], [0, 1]);
  const left = await store.query<{ trip_key: string }>("select trip_key from incomplete_trips");
  assert.deepEqual(left.map((r) => r.trip_key), [originOf(later).tripKey], "only the later trip");
});
