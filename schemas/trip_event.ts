/**
 * The event stream's messages (contract section 4): trip events on
 * `trip-events`, rejected rows on `trip-rejects`, and what the assembler sends
 * to `trip-events-dlq`. Every message is JSON and carries a version.
 *
 * Timestamps are naive ISO text: the New York wall clock with no zone,
 * `YYYY-MM-DDTHH:MM:SS`, plus `.sss` only when the milliseconds are non-zero.
 *
 * @module
 */
/** @internal zod's types are zod's to document, not ours (denoland/deno#27364). */
import { z } from "zod";
import type { TripType } from "./raw_trip.ts";
import { type CurationReason, curationReasonSchema } from "./curation_reason.ts";

/**
 * The current envelope version, the `v` of every event and message.
 *
 * @example
 * ```ts
 * import { TRIP_EVENT_VERSION } from "./trip_event.ts";
 * import assert from "node:assert";
 * assert.equal(TRIP_EVENT_VERSION, 1);
 * ```
 */
export const TRIP_EVENT_VERSION = 1 as const;

/** The three events of a trip. */
export type TripEventType = "trip_started" | "trip_ended" | "payment_processed";

/**
 * Every {@linkcode TripEventType}, in the order a trip emits them.
 *
 * @example
 * ```ts
 * import { TRIP_EVENT_TYPES } from "./trip_event.ts";
 * import assert from "node:assert";
 * assert.deepEqual(TRIP_EVENT_TYPES, ["trip_started", "trip_ended", "payment_processed"]);
 * ```
 */
export const TRIP_EVENT_TYPES: readonly TripEventType[] = [
  "trip_started",
  "trip_ended",
  "payment_processed",
];

/** Fields every trip event carries. */
export interface TripEventEnvelope {
  /** Envelope version, {@linkcode TRIP_EVENT_VERSION}. */
  v: 1;
  /** 32 hex chars: the trip key's 16 bytes XOR the first 16 bytes of SHA-256 of `event_type`. */
  event_id: string;
  /** The trip's content hash (32 hex chars); the Kafka message key. */
  trip_key: string;
  /** When the event happened: naive ISO local time. */
  event_ts: string;
  /** Service of the file the trip was read from. */
  trip_type: TripType;
  /** The trip's period, `YYYY-MM`. */
  period: string;
  /** Base name of the file the trip was read from. */
  source_file: string;
}

/** The raw-row fields a `trip_started` event owns. */
export interface TripStartedData {
  /** TLC code of the technology provider that sent the record; any code is accepted. */
  vendor_id: number | null;
  /** Naive ISO local time. */
  pickup_ts: string;
  /** Pickup taxi zone, 1..265 (`zones.location_id`). */
  pu_location_id: number;
  /** Passengers, as entered by the driver: null or 0..9. */
  passenger_count: number | null;
  /** Final rate code: 1 standard, 2 JFK, 3 Newark, 4 Nassau/Westchester, 5 negotiated, 6 group. */
  ratecode_id: number | null;
  /** `Y` when the vehicle held the record before sending it (no server connection), else `N`. */
  store_and_fwd_flag: string | null;
  /** Green's `trip_type`: 1 street-hail, 2 dispatch; always null for yellow trips. */
  trip_type_code: number | null;
}

/** The raw-row fields a `trip_ended` event owns. */
export interface TripEndedData {
  /** Naive ISO local time. */
  dropoff_ts: string;
  /** Dropoff taxi zone, 1..265 (`zones.location_id`). */
  do_location_id: number;
  /** Miles, as reported by the taximeter: 0..500. */
  trip_distance: number;
}

/** The raw-row fields a `payment_processed` event owns: payment type and every money field. */
export interface PaymentProcessedData {
  /** How the trip was paid (TLC code: 1 credit card, 2 cash, 3 no charge, 4 dispute, ...). */
  payment_type: number | null;
  /** Time-and-distance meter fare, USD: null or at least 0. */
  fare_amount: number | null;
  /** Extras and surcharges such as the rush-hour and overnight charges, USD. */
  extra: number | null;
  /** MTA tax triggered by the metered rate in use, USD. */
  mta_tax: number | null;
  /** Tip, USD: card tips only, cash tips are not recorded. */
  tip_amount: number | null;
  /** Tolls paid during the trip, USD. */
  tolls_amount: number | null;
  /** Improvement surcharge levied at the flag drop, USD. */
  improvement_surcharge: number | null;
  /** Total charged to the passenger, USD, 0..1000; cash tips excluded. */
  total_amount: number;
  /** New York State congestion surcharge, USD. */
  congestion_surcharge: number | null;
  /** Fee on pickups at LaGuardia and JFK, USD; always null for green trips. */
  airport_fee: number | null;
  /** MTA Congestion Relief Zone toll, USD; always null from files before 2025. */
  cbd_congestion_fee: number | null;
  /** E-hail fee, USD; always null for yellow trips. */
  ehail_fee: number | null;
}

/** Emitted at pickup. */
export interface TripStartedEvent extends TripEventEnvelope {
  /** Tells the {@linkcode TripEvent} kinds apart. */
  event_type: "trip_started";
  /** The pickup side of the raw row. */
  data: TripStartedData;
}

/** Emitted at dropoff. */
export interface TripEndedEvent extends TripEventEnvelope {
  /** Tells the {@linkcode TripEvent} kinds apart. */
  event_type: "trip_ended";
  /** The dropoff side of the raw row. */
  data: TripEndedData;
}

/** Emitted at dropoff, after the fare is settled. */
export interface PaymentProcessedEvent extends TripEventEnvelope {
  /** Tells the {@linkcode TripEvent} kinds apart. */
  event_type: "payment_processed";
  /** The payment type and money fields of the raw row. */
  data: PaymentProcessedData;
}

/** Any trip event. */
export type TripEvent = TripStartedEvent | TripEndedEvent | PaymentProcessedEvent;

/**
 * The text form of a naive time in events: `YYYY-MM-DDTHH:MM:SS[.sss]`, no zone,
 * each field in its range (a day past its month's end, such as Feb 30, still
 * passes: the assembler refuses it).
 *
 * @example
 * ```ts
 * import { NAIVE_ISO } from "./trip_event.ts";
 * import assert from "node:assert";
 * assert.ok(NAIVE_ISO.test("2024-01-01T00:05:00"));
 * assert.ok(!NAIVE_ISO.test("2024-01-01T00:05:00Z"));
 * assert.ok(!NAIVE_ISO.test("2024-13-01T24:00:00"));
 * ```
 */
export const NAIVE_ISO =
  /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d{3})?$/;
const naiveIso = z.string().regex(NAIVE_ISO, "must be a naive ISO time YYYY-MM-DDTHH:MM:SS[.sss]");
const hex32 = z.string().regex(/^[0-9a-f]{32}$/, "must be 32 lowercase hex chars");
const period = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, "must be YYYY-MM");
const num = z.number();
const optionalNum = z.number().nullable();
const zone = z.number().int();

const envelope = {
  v: z.literal(TRIP_EVENT_VERSION),
  event_id: hex32,
  trip_key: hex32,
  event_ts: naiveIso,
  trip_type: z.enum(["yellow", "green"]),
  period,
  source_file: z.string().min(1),
};

/**
 * Zod schema of {@linkcode TripEvent}: a union discriminated by `event_type`.
 * Unknown fields are errors, in the envelope and in `data`.
 *
 * @example
 * ```ts
 * import { tripEventSchema } from "./trip_event.ts";
 * import assert from "node:assert";
 * assert.equal(tripEventSchema.safeParse({ v: 2 }).success, false);
 * ```
 */
export const tripEventSchema: z.ZodType<TripEvent> = z.discriminatedUnion("event_type", [
  z.strictObject({
    ...envelope,
    event_type: z.literal("trip_started"),
    data: z.strictObject({
      vendor_id: optionalNum,
      pickup_ts: naiveIso,
      pu_location_id: zone,
      passenger_count: optionalNum,
      ratecode_id: optionalNum,
      store_and_fwd_flag: z.string().nullable(),
      trip_type_code: optionalNum,
    }),
  }),
  z.strictObject({
    ...envelope,
    event_type: z.literal("trip_ended"),
    data: z.strictObject({ dropoff_ts: naiveIso, do_location_id: zone, trip_distance: num }),
  }),
  z.strictObject({
    ...envelope,
    event_type: z.literal("payment_processed"),
    data: z.strictObject({
      payment_type: optionalNum,
      fare_amount: optionalNum,
      extra: optionalNum,
      mta_tax: optionalNum,
      tip_amount: optionalNum,
      tolls_amount: optionalNum,
      improvement_surcharge: optionalNum,
      total_amount: num,
      congestion_surcharge: optionalNum,
      airport_fee: optionalNum,
      cbd_congestion_fee: optionalNum,
      ehail_fee: optionalNum,
    }),
  }),
]);

/** A rejected row on `trip-rejects`: where it came from, why, and the raw row. */
export interface TripRejectMessage {
  /** Envelope version, {@linkcode TRIP_EVENT_VERSION}. */
  v: 1;
  /** Base name of the file the row was read from. */
  source_file: string;
  /** 0-based row position in the file. */
  source_row: number;
  /** The row's content hash (32 hex chars); also the message key. */
  trip_key: string;
  /** The file period, else the pickup month, `YYYY-MM`; null when there is no pickup. */
  period: string | null;
  /** Service of the file the row was read from. */
  trip_type: TripType;
  /** The first curation rule the row failed. */
  reason: CurationReason;
  /** The canonical raw row, timestamps as naive ISO text (as in `rejected_trips.raw`). */
  raw: Record<string, string | number | null>;
}

/**
 * Zod schema of {@linkcode TripRejectMessage}.
 *
 * @example
 * ```ts
 * import { tripRejectSchema } from "./trip_event.ts";
 * import assert from "node:assert";
 * assert.equal(tripRejectSchema.safeParse({ v: 1, reason: "late" }).success, false);
 * ```
 */
export const tripRejectSchema: z.ZodType<TripRejectMessage> = z.strictObject({
  v: z.literal(TRIP_EVENT_VERSION),
  source_file: z.string().min(1),
  source_row: z.number().int().nonnegative(),
  trip_key: hex32,
  period: period.nullable(),
  trip_type: z.enum(["yellow", "green"]),
  reason: curationReasonSchema,
  raw: z.record(z.string(), z.union([z.string(), z.number(), z.null()])),
});

/**
 * At most this many bytes of a refused message are kept in its dead letter, so
 * that the letter (base64, a third larger) stays under Kafka's 1 MiB default.
 *
 * @example
 * ```ts
 * import { DEAD_LETTER_MAX_BYTES } from "./trip_event.ts";
 * import assert from "node:assert";
 * assert.ok(Math.ceil(DEAD_LETTER_MAX_BYTES / 3) * 4 < 1024 * 1024);
 * ```
 */
export const DEAD_LETTER_MAX_BYTES = 512 * 1024;

/** What the assembler publishes to `trip-events-dlq` for a message it cannot use. */
export interface DeadLetter {
  /** Envelope version, {@linkcode TRIP_EVENT_VERSION}. */
  v: 1;
  /** Why the message was refused, one line. */
  error: string;
  /**
   * The original message value, base64 (its first {@linkcode DEAD_LETTER_MAX_BYTES}
   * bytes). For a trip refused once complete (its events rebuild another key,
   * break a curation rule or put the payment off the dropoff), the JSON array of
   * its three events as parsed: they may have come in several messages and
   * rounds, whose bytes are not kept.
   */
  original_base64: string;
  /** Size of the original value in bytes. */
  original_size: number;
  /** Whether `original_base64` holds only the start of the value. */
  truncated: boolean;
  /** The original message key, if any. */
  original_key: string | null;
  /** Topic the refused message was read from. */
  topic: string;
  /** Partition the refused message was read from. */
  partition: number;
  /**
   * Offset as a decimal string (Kafka offsets exceed 2^53); for a refused trip,
   * the first offset of the batch that completed it.
   */
  offset: string;
}

/**
 * Zod schema of {@linkcode DeadLetter}.
 *
 * @example
 * ```ts
 * import { deadLetterSchema } from "./trip_event.ts";
 * import assert from "node:assert";
 * assert.ok(deadLetterSchema.safeParse({
 *   v: 1, error: "not JSON", original_base64: "eA==", original_size: 1, truncated: false,
 *   original_key: null,
 *   topic: "trip-events", partition: 0, offset: "7",
 * }).success);
 * ```
 */
export const deadLetterSchema: z.ZodType<DeadLetter> = z.strictObject({
  v: z.literal(TRIP_EVENT_VERSION),
  error: z.string(),
  original_base64: z.string(),
  original_size: z.number().int().nonnegative(),
  truncated: z.boolean(),
  original_key: z.string().nullable(),
  topic: z.string(),
  partition: z.number().int().nonnegative(),
  offset: z.string().regex(/^\d+$/),
});
