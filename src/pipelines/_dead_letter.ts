/**
 * Parsing of incoming stream messages, and dead letters for those that fail.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import type { z } from "zod";
import {
  DEAD_LETTER_MAX_BYTES,
  type DeadLetter,
  TRIP_EVENT_VERSION,
} from "../../schemas/trip_event.ts";
import type { Delivery, OutgoingMessage } from "../ports/bus.ts";
import type { CompiledCheck } from "./_compiled_check.ts";

// Replacing decoding is several times faster than fatal decoding; only a text
// holding U+FFFD (a replaced byte, or a real one) is decoded again, strictly.
const _decoder = new TextDecoder();
const _strictDecoder = new TextDecoder("utf-8", { fatal: true });

/** A parsed message, or why it could not be used. */
export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

/**
 * Decodes UTF-8, parses JSON and validates with `schema`; never throws. With
 * `check` (compiled from the same schema), a value it accepts is returned as
 * parsed, and only the others go through zod.
 */
export function parseMessage<T>(
  delivery: Delivery,
  schema: z.ZodType<T>,
  check?: CompiledCheck<T>,
): Parsed<T> {
  let json: unknown;
  try {
    let text = _decoder.decode(delivery.value);
    if (text.includes("\uFFFD")) text = _strictDecoder.decode(delivery.value);
    json = JSON.parse(text);
  } catch (error) {
    return { ok: false, error: `Cannot parse message: ${(error as Error).message.slice(0, 200)}` };
  }
  if (check?.(json)) return { ok: true, value: json };
  const result = schema.safeParse(json);
  if (result.success) return { ok: true, value: result.data };
  const issue = result.error.issues[0]!;
  const where = issue.path.length === 0 ? "message" : issue.path.join(".");
  return { ok: false, error: `Cannot validate message: ${where}: ${issue.message}` };
}

/** The dead letter of a delivery, keyed like the original. */
export function deadLetter(delivery: Delivery, error: string): OutgoingMessage {
  const size = delivery.value.length;
  const kept = delivery.value.subarray(0, DEAD_LETTER_MAX_BYTES);
  const letter: DeadLetter = {
    v: TRIP_EVENT_VERSION,
    error,
    original_base64: Buffer.from(kept.buffer, kept.byteOffset, kept.length).toString("base64"),
    original_size: size,
    truncated: size > DEAD_LETTER_MAX_BYTES,
    original_key: delivery.key,
    topic: delivery.topic,
    partition: delivery.partition,
    offset: delivery.offset,
  };
  return {
    key: delivery.key ?? `${delivery.topic}/${delivery.partition}/${delivery.offset}`,
    value: JSON.stringify(letter),
  };
}
