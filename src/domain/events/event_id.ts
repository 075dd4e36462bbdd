/**
 * Deterministic event ids: the same trip and event type always give the same
 * id, so consumers can recognise duplicates. An id is the trip key (already
 * 16 uniformly random digest bytes) XOR a constant of its event type, the
 * first 16 bytes of SHA-256 of the type's name: distinct per type and per
 * trip, and 16 XORs per event where hashing each event cost about as much as
 * writing the rest of its JSON.
 *
 * @module
 */
import { TRIP_EVENT_TYPES, type TripEventType } from "../../../schemas/trip_event.ts";
import { sha256Prefix16 } from "../curation/_sha256.ts";
import { isKeyHex } from "../curation/trip_key.ts";

const _encoder = new TextEncoder();
const _hex = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));

/**
 * Per event type, the 16 bytes its ids XOR into the trip key: the first 16
 * bytes of SHA-256 of the type's name.
 *
 * @example
 * ```ts
 * import { EVENT_ID_MASKS } from "./event_id.ts";
 * import assert from "node:assert";
 * assert.equal(EVENT_ID_MASKS.trip_started.length, 16);
 * assert.notDeepEqual(EVENT_ID_MASKS.trip_started, EVENT_ID_MASKS.trip_ended);
 * ```
 */
export const EVENT_ID_MASKS: Readonly<Record<TripEventType, Uint8Array>> = Object.fromEntries(
  TRIP_EVENT_TYPES.map((type) => {
    const name = _encoder.encode(type);
    const mask = new Uint8Array(16);
    sha256Prefix16(name, 0, name.length, mask, 0);
    return [type, mask];
  }),
) as Record<TripEventType, Uint8Array>;

/**
 * The event id of a trip's event: the hex of its trip key's 16 bytes XOR
 * {@linkcode EVENT_ID_MASKS}`[eventType]`.
 *
 * @example
 * ```ts
 * import { Buffer } from "node:buffer";
 * import { createHash } from "node:crypto";
 * import { eventId } from "./event_id.ts";
 * import assert from "node:assert";
 * const key = "0123456789abcdef0123456789abcdef";
 * const mask = createHash("sha256").update("trip_ended").digest();
 * const expected = Buffer.from(key, "hex").map((byte, i) => byte ^ mask[i]!);
 * assert.equal(eventId(key, "trip_ended"), Buffer.from(expected).toString("hex"));
 * assert.notEqual(eventId(key, "trip_ended"), eventId(key, "trip_started"));
 * assert.match(eventId(key, "trip_ended"), /^[0-9a-f]{32}$/);
 * ```
 */
export function eventId(tripKey: string, eventType: TripEventType): string {
  if (!isKeyHex(tripKey)) {
    throw new RangeError(`A trip key is 32 lowercase hex chars, got "${tripKey}"`);
  }
  const mask = EVENT_ID_MASKS[eventType];
  let hex = "";
  for (let i = 0; i < 16; i++) {
    hex += _hex[parseInt(tripKey.slice(2 * i, 2 * i + 2), 16) ^ mask[i]!];
  }
  return hex;
}
