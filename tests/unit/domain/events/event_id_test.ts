import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { TRIP_EVENT_TYPES } from "../../../../schemas/trip_event.ts";
import { eventId } from "../../../../src/domain/events/event_id.ts";

const KEY = "00ff0123456789abcdef0123456789ab";

Deno.test("eventId() is the trip key XOR the first 16 bytes of SHA-256 of the event type", () => {
  for (const type of TRIP_EVENT_TYPES) {
    const mask = createHash("sha256").update(type).digest().subarray(0, 16);
    const key = Buffer.from(KEY, "hex");
    const expected = Buffer.from(key.map((byte, i) => byte ^ mask[i]!)).toString("hex");
    assert.equal(eventId(KEY, type), expected);
  }
});

Deno.test("eventId() gives each event type of a trip its own id, none equal to the key", () => {
  const ids = TRIP_EVENT_TYPES.map((type) => eventId(KEY, type));
  assert.equal(new Set([...ids, KEY]).size, 4);
});

Deno.test("eventId() refuses a key that is not 32 lowercase hex chars", () => {
  for (const bad of ["", "0".repeat(31), "0".repeat(33), "G".repeat(32), "A".repeat(32)]) {
    assert.throws(() => eventId(bad, "trip_ended"), RangeError);
  }
});
