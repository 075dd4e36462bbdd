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
  let text: string;
  try {
    text = _decoder.decode(delivery.value);
    if (text.includes("\uFFFD")) text = _strictDecoder.decode(delivery.value);
  } catch (error) {
    return _unparsable(error);
  }
  return _parseText(text, schema, check);
}

/**
 * {@linkcode parseMessage} of every delivery of a batch, in order. Runs of
 * messages whose bytes are all ASCII (as the producer's events are) are
 * decoded in one call each and every message parsed from its slice of the
 * text: a decode per message cost about a quarter as much as its
 * `JSON.parse`. A run holds at most 64 KiB: V8 puts a longer
 * string in pages of its own, which the kernel maps and zeroes afresh for
 * every batch; a whole batch (megabytes) decoded at once doubled the cost of
 * decoding and parsing.
 *
 * @example
 * ```ts
 * import { z } from "zod";
 * import assert from "node:assert";
 * import { parseMessages } from "./_dead_letter.ts";
 * const at = { topic: "t", partition: 0, offset: "0", key: null };
 * const parsed = parseMessages([
 *   { ...at, value: new TextEncoder().encode('{"n":1}') },
 *   { ...at, value: new TextEncoder().encode("not json") },
 * ], z.object({ n: z.number() }));
 * assert.deepEqual(parsed[0], { ok: true, value: { n: 1 } });
 * assert.equal(parsed[1]!.ok, false);
 * ```
 */
export function parseMessages<T>(
  deliveries: readonly Delivery[],
  schema: z.ZodType<T>,
  check?: CompiledCheck<T>,
): Parsed<T>[] {
  const n = deliveries.length;
  const parsed = new Array<Parsed<T>>(n);
  for (let start = 0, end = 0; start < n; start = end) {
    let bytes = deliveries[end++]!.value.length;
    while (end < n && bytes + deliveries[end]!.value.length <= _RUN_BYTES) {
      bytes += deliveries[end++]!.value.length;
    }
    const text = _asciiText(deliveries, start, end, bytes);
    for (let i = start, at = 0; i < end; i++) {
      const length = deliveries[i]!.value.length;
      parsed[i] = text === undefined
        ? parseMessage(deliveries[i]!, schema, check)
        : _parseText(text.slice(at, at + length), schema, check);
      at += length;
    }
  }
  return parsed;
}

/** Bytes of messages decoded in one call, at most (unless one message is longer). */
const _RUN_BYTES = 64 * 1024;

let _joined = new Uint8Array(_RUN_BYTES);

/**
 * The values of `deliveries[start..end)` (`bytes` in all) as one text, when
 * every byte of them is ASCII: then a byte offset is a char offset.
 */
function _asciiText(
  deliveries: readonly Delivery[],
  start: number,
  end: number,
  bytes: number,
): string | undefined {
  if (_joined.length < bytes) _joined = new Uint8Array(bytes);
  for (let i = start, at = 0; i < end; i++) {
    const value = deliveries[i]!.value;
    _joined.set(value, at);
    at += value.length;
  }
  const text = _decoder.decode(_joined.subarray(0, bytes));
  // Any other byte either ends in U+FFFD or joins others into fewer chars than bytes.
  return text.length !== bytes || text.includes("\uFFFD") ? undefined : text;
}

function _parseText<T>(text: string, schema: z.ZodType<T>, check?: CompiledCheck<T>): Parsed<T> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return _unparsable(error);
  }
  if (check?.(json)) return { ok: true, value: json };
  const result = schema.safeParse(json);
  if (result.success) return { ok: true, value: result.data };
  const issue = result.error.issues[0]!;
  const where = issue.path.length === 0 ? "message" : issue.path.join(".");
  return { ok: false, error: `Cannot validate message: ${where}: ${issue.message}` };
}

function _unparsable(error: unknown): Parsed<never> {
  return { ok: false, error: `Cannot parse message: ${(error as Error).message.slice(0, 200)}` };
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
