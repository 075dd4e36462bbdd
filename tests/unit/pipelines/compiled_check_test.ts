import assert from "node:assert";
import { TRIP_EVENT_TYPES, tripEventSchema } from "../../../schemas/trip_event.ts";
import { tripEvent } from "../../../src/domain/events/trip_to_events.ts";
import { compileCheck } from "../../../src/pipelines/_compiled_check.ts";
import { originOf, sampleRow } from "../domain/events/_row.ts";

const isTripEvent = await compileCheck(tripEventSchema, "event_type");
const row = sampleRow({ store_and_fwd_flag: "N", vendor_id: null });
const events = TRIP_EVENT_TYPES.map((type) => tripEvent(row, originOf(row), type));

// Values a field may be set to: right and wrong types, edge cases of each rule.
const REPLACEMENTS: unknown[] = [
  null,
  undefined,
  "",
  "x",
  0,
  1,
  2,
  -1,
  1.5,
  2 ** 53,
  true,
  [],
  {},
  "2024-01-01T00:00:00",
  "2024-01-01T00:00:00.123",
  "2024-01-01 00:00:00",
  "2024-01-01T00:00:00Z",
  "2024-13",
  "2024-01",
  "0123456789abcdef0123456789abcdef",
  "0123456789ABCDEF0123456789ABCDEF",
  "0123456789abcdef0123456789abcde",
  "trip_started",
  "trip_ended",
  "payment_processed",
  "yellow",
  "green",
  "fhv",
];

/** Every event with one field (of the envelope or of `data`) replaced, removed or added. */
function* mutations(): Generator<{ what: string; value: unknown }> {
  for (const event of events) {
    const data: Record<string, unknown> = { ...event.data };
    for (const key of [...Object.keys(event), "extra"]) {
      for (const replacement of REPLACEMENTS) {
        yield {
          what: `${event.event_type}.${key} = ${String(replacement)}`,
          value: { ...event, [key]: replacement },
        };
      }
      const { [key as keyof typeof event]: _, ...without } = event;
      yield { what: `${event.event_type} without ${key}`, value: without };
    }
    for (const key of [...Object.keys(data), "extra"]) {
      for (const replacement of REPLACEMENTS) {
        yield {
          what: `${event.event_type}.data.${key} = ${String(replacement)}`,
          value: { ...event, data: { ...data, [key]: replacement } },
        };
      }
    }
  }
  for (const value of [null, 1, "event", [], {}, events]) {
    yield { what: JSON.stringify(value), value };
  }
}

Deno.test("compileCheck: accepts each event type exactly as zod does", () => {
  for (const event of events) {
    assert.equal(tripEventSchema.safeParse(event).success, true);
    assert.equal(isTripEvent(JSON.parse(JSON.stringify(event))), true, event.event_type);
  }
});

Deno.test("compileCheck: agrees with zod on every single-field change of every event type", () => {
  let refused = 0;
  let accepted = 0;
  for (const { what, value } of mutations()) {
    // What a message carries: JSON drops undefined fields.
    const json = JSON.parse(JSON.stringify(value) ?? "null");
    const zod = tripEventSchema.safeParse(json).success;
    assert.equal(isTripEvent(json), zod, what);
    if (zod) accepted++;
    else refused++;
  }
  // Both outcomes are exercised, so agreement is not vacuous.
  assert.ok(accepted > 50 && refused > 1000, `${accepted} accepted, ${refused} refused`);
});
