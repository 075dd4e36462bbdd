import assert from "node:assert/strict";
import {
  TRIP_EVENT_TYPES,
  tripEventSchema,
  type TripRejectMessage,
  tripRejectSchema,
} from "../../../schemas/trip_event.ts";
import { tripEvent } from "../../../src/domain/events/trip_to_events.ts";
import { compileCheck } from "../../../src/pipelines/_compiled_check.ts";
import { z } from "zod";
import { originOf, sampleRow } from "../domain/events/_row.ts";

const isTripEvent = await compileCheck(tripEventSchema, "event_type");
const row = sampleRow({ store_and_fwd_flag: "N", vendor_id: null });
const events = TRIP_EVENT_TYPES.map((type) => tripEvent(row, originOf(row), type));
const isTripReject = await compileCheck(tripRejectSchema);
const reject: TripRejectMessage = {
  v: 1,
  source_file: "yellow_tripdata_2024-01.parquet",
  source_row: 7,
  trip_key: "0123456789abcdef0123456789abcdef",
  period: "2024-01",
  trip_type: "yellow",
  reason: "invalid_amount",
  raw: {
    total_amount: -3.5,
    store_and_fwd_flag: null,
    tpep_pickup_datetime: "2024-01-01T00:00:00",
  },
};

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
  "invalid_amount",
  "late",
  { a: 1, b: "x", c: null },
  { a: true },
  { a: [] },
  "\u{1F695}",
];

/** Every message with one field (of the top level or of `data`) replaced, removed or added. */
function* mutations(messages: readonly object[]): Generator<{ what: string; value: unknown }> {
  for (const message of messages as readonly Record<string, unknown>[]) {
    const name = String(message.event_type ?? "reject");
    for (const key of [...Object.keys(message), "extra"]) {
      for (const replacement of REPLACEMENTS) {
        yield {
          what: `${name}.${key} = ${String(replacement)}`,
          value: { ...message, [key]: replacement },
        };
      }
      const { [key]: _, ...without } = message;
      yield { what: `${name} without ${key}`, value: without };
    }
    const data = message.data as Record<string, unknown> | undefined;
    for (const key of data === undefined ? [] : [...Object.keys(data), "extra"]) {
      for (const replacement of REPLACEMENTS) {
        yield {
          what: `${name}.data.${key} = ${String(replacement)}`,
          value: { ...message, data: { ...data, [key]: replacement } },
        };
      }
    }
  }
  for (const value of [null, 1, "event", [], {}, messages]) {
    yield { what: JSON.stringify(value), value };
  }
}

/** Asserts that `check` and `schema` agree on every mutation of `messages`; returns the counts. */
function agreement(
  messages: readonly object[],
  schema: { safeParse(value: unknown): { success: boolean } },
  check: (value: unknown) => boolean,
): { accepted: number; refused: number } {
  let refused = 0;
  let accepted = 0;
  for (const { what, value } of mutations(messages)) {
    // What a message carries: JSON drops undefined fields.
    const json = JSON.parse(JSON.stringify(value) ?? "null");
    const zod = schema.safeParse(json).success;
    assert.equal(check(json), zod, what);
    if (zod) accepted++;
    else refused++;
  }
  return { accepted, refused };
}

Deno.test("compileCheck: accepts each event type exactly as zod does", () => {
  for (const event of events) {
    assert.equal(tripEventSchema.safeParse(event).success, true);
    assert.equal(isTripEvent(JSON.parse(JSON.stringify(event))), true, event.event_type);
  }
});

Deno.test("compileCheck: agrees with zod on every single-field change of every event type", () => {
  const { accepted, refused } = agreement(events, tripEventSchema, isTripEvent);
  // Both outcomes are exercised, so agreement is not vacuous.
  assert.ok(accepted > 50 && refused > 1000, `${accepted} accepted, ${refused} refused`);
});

Deno.test("compileCheck: agrees with zod on every single-field change of a reject", () => {
  assert.equal(isTripReject(JSON.parse(JSON.stringify(reject))), true);
  const raw = { ...reject.raw, extra: "\u{1F695}" };
  const { accepted, refused } = agreement(
    [reject, { ...reject, raw }],
    tripRejectSchema,
    isTripReject,
  );
  assert.ok(accepted > 10 && refused > 100, `${accepted} accepted, ${refused} refused`);
});

Deno.test("compileCheck: a trip key pattern next to other patterns, each holds", async () => {
  const check = await compileCheck(z.strictObject({
    key: z.string().regex(/^[0-9a-f]{32}$/),
    digits: z.string().regex(/^\d+$/),
    word: z.string().regex(/^[a-z]+$/),
  }));
  const key = "0123456789abcdef0123456789abcdef";
  assert.equal(check({ key, digits: "42", word: "ok" }), true);
  assert.equal(check({ key: key.toUpperCase(), digits: "42", word: "ok" }), false);
  assert.equal(check({ key, digits: "4x", word: "ok" }), false);
  assert.equal(check({ key, digits: "42", word: "OK" }), false);
});

Deno.test("compileCheck() compiles the reject schema without warnings on stderr", async () => {
  const warnings: unknown[] = [];
  const warn = console.warn;
  console.warn = (...args: unknown[]) => void warnings.push(args);
  try {
    await compileCheck(tripRejectSchema);
  } finally {
    console.warn = warn;
  }
  assert.deepEqual(warnings, []);
});
