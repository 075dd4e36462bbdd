import assert from "node:assert/strict";
import { deadLetterSchema, tripEventSchema, tripRejectSchema } from "../../schemas/trip_event.ts";
import { tripToEvents } from "../../src/domain/events/trip_to_events.ts";
import { originOf, sampleRow } from "../unit/domain/events/_row.ts";

const row = sampleRow();
const [started, ended, paid] = tripToEvents(row, originOf(row));

function json<T>(value: T): Record<string, unknown> {
  return JSON.parse(JSON.stringify(value));
}

Deno.test("tripEventSchema accepts the three event types", () => {
  for (const event of [started, ended, paid]) {
    assert.deepEqual(tripEventSchema.parse(json(event)), event);
  }
});

Deno.test("tripEventSchema rejects another version, unknown types and missing fields", () => {
  const bad: Record<string, unknown>[] = [
    { ...json(started), v: 2 },
    { ...json(started), event_type: "trip_paused" },
    { ...json(ended), data: { dropoff_ts: ended.data.dropoff_ts } },
    { ...json(started), trip_key: undefined },
    { ...json(started), event_ts: "2024-01-01T00:57:55Z" },
    { ...json(started), period: "2024-1" },
    { ...json(started), extra_field: 1 },
    { ...json(paid), data: { ...paid.data, surprise: 1 } },
    { ...json(paid), data: { ...paid.data, total_amount: null } },
    { ...json(ended), event_type: "trip_started" },
  ];
  for (const message of bad) {
    assert.equal(tripEventSchema.safeParse(message).success, false, JSON.stringify(message));
  }
});

Deno.test("tripRejectSchema accepts a reject and refuses an unknown reason", () => {
  const reject = {
    v: 1,
    source_file: "green_tripdata_2024-01.parquet",
    source_row: 17,
    trip_key: "0123456789abcdef0123456789abcdef",
    period: "2024-01",
    trip_type: "green",
    reason: "invalid_amount",
    raw: { trip_type: "green", pickup_ts: "2024-01-01T00:00:00", total_amount: -5 },
  };
  assert.deepEqual(tripRejectSchema.parse(reject), reject);
  assert.equal(tripRejectSchema.safeParse({ ...reject, period: null }).success, true);
  assert.equal(tripRejectSchema.safeParse({ ...reject, reason: "too_late" }).success, false);
  assert.equal(tripRejectSchema.safeParse({ ...reject, source_row: -1 }).success, false);
});

Deno.test("deadLetterSchema requires the error and the original bytes", () => {
  const letter = {
    v: 1,
    error: "Cannot parse message: not JSON",
    original_base64: btoa("not json"),
    original_size: 8,
    truncated: false,
    original_key: null,
    topic: "trip-events",
    partition: 3,
    offset: "42",
  };
  assert.deepEqual(deadLetterSchema.parse(letter), letter);
  assert.equal(
    deadLetterSchema.safeParse({ ...letter, original_base64: undefined }).success,
    false,
  );
});
