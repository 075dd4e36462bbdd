import assert from "node:assert/strict";
import { MemoryCache } from "../../../src/adapters/memory/cache.ts";
import { PgliteStore } from "../../../src/adapters/pglite/store.ts";
import { assembleTrips } from "../../../src/pipelines/assemble_trips.ts";
import { ingestFile } from "../../../src/pipelines/ingest_month.ts";
import { produceEvents } from "../../../src/pipelines/produce_events.ts";
import { verifySchemas } from "../../../src/pipelines/verify.ts";
import { recomputePeriodKpis } from "../../../src/store/kpi_sql.ts";
import { GREEN_2024_01 } from "../../_support/fixtures.ts";
import { RecordingBus } from "./_recording_bus.ts";
import { storeTripWithSums } from "./_stored_trip.ts";
import { ALL_TYPES, batch, origin, sampleTrip } from "./_round_world.ts";
import { originOf } from "../domain/events/_row.ts";
import { streamTopics } from "../../../src/pipelines/stream_topics.ts";
import type { OutgoingMessage } from "../../../src/ports/bus.ts";
import type { RawTrip } from "../../../schemas/raw_trip.ts";
import type { TripEventType } from "../../../schemas/trip_event.ts";

for (const concurrent of [false, true]) {
  const handover = concurrent ? "partitions handed over together" : "one batch at a time";
  Deno.test(`assembleTrips() rebuilds green 2024-01 exactly as the batch path, despite disorder (${handover})`, async () => {
    const dataDir = `memory://assemble_${crypto.randomUUID()}`;
    await using batch = await PgliteStore.open({ dataDir, schema: "batch" });
    await ingestFile(batch, GREEN_2024_01);
    await batch.transaction((tx) => recomputePeriodKpis(tx, "2024-01"));
    await using stream = await PgliteStore.open({ dataDir, schema: "stream" });
    await using cache = await MemoryCache.open();
    const bus = new RecordingBus();
    bus.batchSize = 5_000;
    bus.concurrent = concurrent;
    await produceEvents(bus, GREEN_2024_01, {
      shuffleWindowMs: 60_000,
      duplicateRate: 0.02,
      lateRate: 0.02,
      lateByMs: 3_600_000,
      seed: 7,
    });
    const summary = await assembleTrips({ store: stream, bus, cache }, {
      untilIdle: true,
      idleMs: 300,
      timeoutMs: 1_800_000,
    });
    assert.equal(summary.completed, 55_913);
    assert.equal(summary.rejects, 638);
    assert.equal(summary.deadLetters, 0);
    // Together: each round gathers several partitions' batches into one transaction.
    if (concurrent) assert.ok(summary.rounds < summary.batches, JSON.stringify(summary));
    else assert.equal(summary.rounds, summary.batches);
    const report = await verifySchemas(stream, { left: "batch", right: "stream" });
    assert.ok(report.equal, JSON.stringify(report.tables, null, 1));
    const [left] = await stream.query<{ n: number }>(
      "select count(*)::int as n from incomplete_trips",
    );
    assert.equal(left!.n, 0);
    const [audit] = await stream.query<{ accepted: number; rows_read: number; path: string }>(
      "select path, accepted::int, rows_read::int from load_audit",
    );
    assert.deepEqual(audit, { path: "stream", accepted: 55_913, rows_read: 56_551 });
  });
}

Deno.test("assembleTrips() recomputes the KPIs a member that died after its commit left stale", async () => {
  await using store = await PgliteStore.open({ schema: "stream" });
  await using cache = await MemoryCache.open();
  await store.transaction((tx) => storeTripWithSums(tx, "k", "2024-01-01 05:10:00"));
  await assembleTrips({ store, bus: new RecordingBus(), cache }, { untilIdle: true, idleMs: 100 });
  assert.deepEqual(
    await store.query("select zone_id, hour_ts::text, trips from zone_hourly_kpis"),
    [{ zone_id: 132, hour_ts: "2024-01-01 05:00:00", trips: 1 }],
  );
});

Deno.test("assembleTrips() --until-idle does not take a bus that stopped answering for the end of input", async () => {
  await using store = await PgliteStore.open({ schema: "stream" });
  await using cache = await MemoryCache.open();
  const bus = new RecordingBus();
  bus.reachable = false;
  const summary = await assembleTrips({ store, bus, cache }, {
    untilIdle: true,
    idleMs: 100,
    signal: AbortSignal.timeout(1_500),
  });
  assert.equal(summary.stoppedBy, "signal");
  bus.reachable = true;
  const again = await assembleTrips({ store, bus, cache }, { untilIdle: true, idleMs: 100 });
  assert.equal(again.stoppedBy, "idle");
});

/** The events of `types` of `trip`, as messages to publish. */
function eventMessages(types: TripEventType[], trip: RawTrip = sampleTrip): OutgoingMessage[] {
  return batch(0, types, 0, trip).messages.map((m) => ({ key: m.key!, value: m.value }));
}

Deno.test("assembleTrips() --until-idle expires the partial trips of its own partitions only, payment-only ones too", async () => {
  await using store = await PgliteStore.open({ schema: "stream" });
  await using cache = await MemoryCache.open();
  const bus = new RecordingBus();
  const { events } = streamTopics();
  await bus.ensureTopic(events, 6);
  const paidOnly = { ...sampleTrip, tip_amount: 2 };
  const startedOnly = { ...sampleTrip, tip_amount: 3 };
  // A payment does not move its partition's watermark: it alone leaves no trace there.
  await bus.publish(events, [
    ...eventMessages(["payment_processed"], paidOnly),
    ...eventMessages(["trip_started"], startedOnly),
  ]);
  const subscribe = bus.subscribe.bind(bus);
  // A member of a group whose other member holds every partition.
  bus.subscribe = async (options) => ({ ...await subscribe(options), assigned: () => [] });
  const bystander = await assembleTrips({ store, bus, cache }, { untilIdle: true, idleMs: 100 });
  assert.deepEqual([bystander.events, bystander.flushed], [2, 0]);
  const incomplete = () =>
    store.query<{ trip_key: string; missing: string[] }>(
      "select trip_key, missing from incomplete_trips order by 2",
    );
  assert.deepEqual(await incomplete(), [], "nothing of another member's is expired");
  bus.subscribe = subscribe;
  const owner = await assembleTrips({ store, bus, cache }, { untilIdle: true, idleMs: 100 });
  assert.equal(owner.flushed, 2);
  assert.deepEqual(await incomplete(), [
    { trip_key: originOf(startedOnly).tripKey, missing: ["trip_ended", "payment_processed"] },
    { trip_key: originOf(paidOnly).tripKey, missing: ["trip_started", "trip_ended"] },
  ]);
});

Deno.test("assembleTrips() --until-idle audits each file from the tables, once, after a restart that consumes nothing", async () => {
  await using store = await PgliteStore.open({ schema: "stream" });
  await using cache = await MemoryCache.open();
  const bus = new RecordingBus();
  await bus.ensureTopic(streamTopics().events, 6);
  await bus.publish(streamTopics().events, eventMessages(ALL_TYPES));
  // Stopped after its last commit: the restart has nothing left to consume.
  const stop = new AbortController();
  await assembleTrips({ store, bus, cache }, {
    signal: stop.signal,
    progress: (events) => events === 3 && stop.abort(),
  });
  const audit = () =>
    store.query<{ path: string; source_file: string; accepted: number; started: string }>(
      "select path, source_file, accepted::int, started_at::text as started from load_audit",
    );
  assert.deepEqual(await audit(), []);
  const restarted = await assembleTrips({ store, bus, cache }, { untilIdle: true, idleMs: 100 });
  assert.equal(restarted.events, 0);
  const [row] = await audit();
  assert.deepEqual({ ...row, started: undefined }, {
    path: "stream",
    source_file: origin.sourceFile,
    accepted: 1,
    started: undefined,
  });
  await assembleTrips({ store, bus, cache }, { untilIdle: true, idleMs: 100 });
  assert.deepEqual(await audit(), [row], "one row per file, started when first audited");
});
