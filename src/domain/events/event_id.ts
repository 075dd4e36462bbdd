/**
 * Deterministic event ids: the same trip and event type always give the same
 * id, so consumers can recognise duplicates.
 *
 * @module
 */
import type { TripEventType } from "../../../schemas/trip_event.ts";
import { sha256Prefix16 } from "../curation/_sha256.ts";

const _encoder = new TextEncoder();
const _buf = new Uint8Array(256);
const _out = new Uint8Array(16);
const _hex = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));

/**
 * The event id: hex of the first 16 bytes of SHA-256 of `"<trip_key>|<event_type>"`.
 *
 * @example
 * ```ts
 * import { eventId } from "./event_id.ts";
 * import assert from "node:assert";
 * const key = "0123456789abcdef0123456789abcdef";
 * assert.equal(eventId(key, "trip_ended"), eventId(key, "trip_ended"));
 * assert.notEqual(eventId(key, "trip_ended"), eventId(key, "trip_started"));
 * ```
 */
export function eventId(tripKey: string, eventType: TripEventType): string {
  const { written } = _encoder.encodeInto(`${tripKey}|${eventType}`, _buf);
  sha256Prefix16(_buf, 0, written, _out, 0);
  let hex = "";
  for (let i = 0; i < 16; i++) hex += _hex[_out[i]!];
  return hex;
}
