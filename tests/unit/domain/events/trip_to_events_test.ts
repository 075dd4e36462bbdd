import assert from "node:assert/strict";
import { RAW_TRIP_FIELDS } from "../../../../schemas/raw_trip.ts";
import { tripEventSchema } from "../../../../schemas/trip_event.ts";
import { eventId } from "../../../../src/domain/events/event_id.ts";
import { eventsToTrip } from "../../../../src/domain/events/events_to_trip.ts";
import { tripToEvents } from "../../../../src/domain/events/trip_to_events.ts";
import { originOf, sampleRow } from "./_row.ts";

Deno.test("tripToEvents() emits started at pickup, ended and payment at dropoff", () => {
  const row = sampleRow();
  const [started, ended, paid] = tripToEvents(row, originOf(row));
  assert.equal(started.event_type, "trip_started");
  assert.equal(started.event_ts, "2024-01-01T00:57:55");
  assert.equal(ended.event_ts, "2024-01-01T01:17:43.250");
  assert.equal(paid.event_ts, ended.event_ts);
  assert.equal(started.event_id, eventId(originOf(row).tripKey, "trip_started"));
  for (const event of [started, ended, paid]) {
    assert.equal(event.v, 1);
    assert.equal(event.period, "2024-01");
    assert.equal(event.trip_type, "green");
    tripEventSchema.parse(JSON.parse(JSON.stringify(event)));
  }
});

Deno.test("tripToEvents() splits the row: every raw field in exactly one event", () => {
  const row = sampleRow();
  const owned = tripToEvents(row, originOf(row)).flatMap((event) => Object.keys(event.data));
  assert.equal(new Set(owned).size, owned.length);
  assert.deepEqual(
    [...owned].sort(),
    RAW_TRIP_FIELDS.filter((field) => field !== "trip_type").sort(),
  );
});

Deno.test("tripToEvents() refuses a row curation would reject", () => {
  const row = sampleRow({ dropoff_ts: null });
  assert.throws(() => tripToEvents(row, originOf(row)), TypeError);
});

Deno.test("eventsToTrip() rebuilds the row and its key after a JSON round trip", () => {
  for (
    const row of [
      sampleRow(),
      sampleRow({ vendor_id: null, passenger_count: null, store_and_fwd_flag: null, ehail_fee: 0 }),
      sampleRow({
        trip_type: "yellow",
        airport_fee: 1.75,
        cbd_congestion_fee: 0.75,
        trip_distance: 0,
      }),
    ]
  ) {
    const [trip_started, trip_ended, payment_processed] = tripToEvents(row, originOf(row))
      .map((event) => tripEventSchema.parse(JSON.parse(JSON.stringify(event)))) as never[];
    assert.deepEqual(eventsToTrip({ trip_started, trip_ended, payment_processed }), row);
  }
});

Deno.test("eventsToTrip() rejects events whose row does not hash to their key", () => {
  const row = sampleRow();
  const [trip_started, trip_ended, payment_processed] = tripToEvents(row, originOf(row));
  payment_processed.data.tip_amount = 5;
  assert.throws(
    () => eventsToTrip({ trip_started, trip_ended, payment_processed }),
    /rebuild a row with another key/,
  );
  const other = sampleRow({ vendor_id: 1 });
  const [, foreignEnd] = tripToEvents(other, originOf(other));
  assert.throws(
    () => eventsToTrip({ trip_started, trip_ended: foreignEnd, payment_processed }),
    /different trips/,
  );
});

Deno.test("eventsToTrip() refuses what the assembler refuses: a rejected row, a trip off its period, an event off its time", () => {
  const pickup = Date.UTC(2024, 0, 10, 8, 0);
  const instant = sampleRow({ pickup_ts: pickup, dropoff_ts: pickup });
  const events = (row: typeof instant, period = "2024-01") => {
    const [trip_started, trip_ended, payment_processed] = tripToEvents(row, {
      ...originOf(row),
      period,
    });
    return { trip_started, trip_ended, payment_processed };
  };
  assert.throws(() => eventsToTrip(events(instant)), /a row that curation rejects/);
  const fine = sampleRow({ pickup_ts: pickup, dropoff_ts: pickup + 20 * 60_000 });
  assert.throws(() => eventsToTrip(events(fine, "2023-05")), /outside its period 2023-05/);
  const { trip_started, trip_ended, payment_processed } = events(fine);
  assert.deepEqual(eventsToTrip({ trip_started, trip_ended, payment_processed }), fine);
  for (
    const [type, offTime] of [["trip_started", "pickup"], ["payment_processed", "dropoff"]] as const
  ) {
    const moved = { trip_started, trip_ended, payment_processed };
    moved[type] = { ...moved[type], event_ts: "2030-01-01T00:00:00" } as never;
    assert.throws(
      () => eventsToTrip(moved),
      new RegExp(`event_ts 2030-01-01T00:00:00 is not its ${offTime}`),
    );
  }
});
