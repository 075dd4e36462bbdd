import assert from "node:assert/strict";
import { tripEventSchema } from "../../../schemas/trip_event.ts";
import { tripEvent } from "../../../src/domain/events/trip_to_events.ts";
import { compileCheck } from "../../../src/pipelines/_compiled_check.ts";
import { parseMessage, parseMessages } from "../../../src/pipelines/_dead_letter.ts";
import type { Delivery } from "../../../src/ports/bus.ts";
import { originOf, sampleRow } from "../domain/events/_row.ts";

const row = sampleRow();
const origin = originOf(row);

function delivery(value: Uint8Array): Delivery {
  return { topic: "trip-events", partition: 0, offset: "0", key: origin.tripKey, value };
}

function encoded(event: unknown): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(event));
}

Deno.test("parseMessage: a valid event comes back as the same event", () => {
  const event = tripEvent(row, origin, "trip_ended");
  const parsed = parseMessage(delivery(encoded(event)), tripEventSchema);
  assert.deepStrictEqual(parsed, { ok: true, value: event });
});

Deno.test("parseMessage: bytes that are not UTF-8 are a parse failure, not replaced text", () => {
  const bytes = encoded(tripEvent(row, origin, "trip_started"));
  // 0xff never occurs in UTF-8; placed inside source_file's value it would parse if replaced.
  const at = new TextDecoder().decode(bytes).indexOf(origin.sourceFile) + 1;
  const broken = bytes.slice();
  broken[at] = 0xff;
  const parsed = parseMessage(delivery(broken), tripEventSchema);
  assert.equal(parsed.ok, false);
  assert.match((parsed as { error: string }).error, /^Cannot parse message: /);
});

Deno.test("parseMessage: a real U+FFFD in the text is kept", () => {
  const event = { ...tripEvent(row, origin, "trip_started"), source_file: "odd\uFFFDname.parquet" };
  const parsed = parseMessage(delivery(encoded(event)), tripEventSchema);
  assert.equal(parsed.ok, true);
  assert.equal((parsed as { value: { source_file: string } }).value.source_file, event.source_file);
});

Deno.test("parseMessage: JSON that breaks the schema names the field", () => {
  const event = { ...tripEvent(row, origin, "trip_started"), trip_key: "XYZ" };
  const parsed = parseMessage(delivery(encoded(event)), tripEventSchema);
  assert.equal(parsed.ok, false);
  assert.match((parsed as { error: string }).error, /^Cannot validate message: trip_key: /);
});

Deno.test("parseMessage: with a compiled check, a valid event is the same event, and an invalid one gets zod's error", async () => {
  const check = await compileCheck(tripEventSchema, "event_type");
  const event = tripEvent(row, origin, "payment_processed");
  assert.deepStrictEqual(parseMessage(delivery(encoded(event)), tripEventSchema, check), {
    ok: true,
    value: event,
  });
  const bad = { ...event, data: { ...event.data, total_amount: "17.05" } };
  const parsed = parseMessage(delivery(encoded(bad)), tripEventSchema, check);
  assert.equal(parsed.ok, false);
  assert.match(
    (parsed as { error: string }).error,
    /^Cannot validate message: data\.total_amount: /,
  );
});

Deno.test("parseMessages: every message of a batch gets what parseMessage gives it alone", async () => {
  const check = await compileCheck(tripEventSchema, "event_type");
  const events = (["trip_started", "trip_ended", "payment_processed"] as const).map((type) =>
    tripEvent(row, origin, type)
  );
  const ascii = [
    ...events.map(encoded),
    new TextEncoder().encode("1,2"),
    new Uint8Array(),
    new TextEncoder().encode('{"v":1}'),
    encoded({ ...events[1]!, data: { ...events[1]!.data, trip_distance: "2" } }),
    ...events.map(encoded),
  ];
  const notAscii = [
    Uint8Array.of(0x7b, 0xff, 0x7d),
    encoded({ ...events[0]!, source_file: "été.parquet" }),
    encoded({ ...events[0]!, source_file: "\uFFFD.parquet" }),
  ];
  // All ASCII (decoded at once), and the same with other bytes (decoded one by one): one
  // invalid byte alone keeps the text as long as the bytes, so only its U+FFFD tells.
  const batches: [Uint8Array[], number][] = [
    [ascii, 6],
    [[...notAscii, ...ascii], 8],
    [[...ascii, ...notAscii], 8],
    [[...ascii, notAscii[0]!], 6],
  ];
  // Batches of several runs (64 KiB each at most), with other bytes and a 100 KB message amid them.
  const many = Array.from({ length: 400 }, (_, i) => encoded(events[i % 3]!));
  const long = new TextEncoder().encode(`"${"x".repeat(100_000)}"`);
  batches.push(
    [many, 400],
    [[...many.slice(0, 200), notAscii[1]!, long, ...many.slice(200)], 401],
    [[...many.slice(0, 170), notAscii[0]!, ...many.slice(170), notAscii[2]!], 401],
  );
  for (const [values, valid] of batches) {
    const batch = values.map(delivery);
    const parsed = parseMessages(batch, tripEventSchema, check);
    assert.deepStrictEqual(parsed, batch.map((d) => parseMessage(d, tripEventSchema, check)));
    assert.equal(parsed.filter((p) => p.ok).length, valid);
  }
});
