/**
 * Why curation rejected a row: one of the ten reasons of contract section 2,
 * in the order the rules run.
 *
 * @module
 */
/** @internal zod's types are zod's to document, not ours (denoland/deno#27364). */
import { z } from "zod";

/** A curation reason, as stored in `rejected_trips.reason`. */
export type CurationReason =
  | "missing_timestamp"
  | "outside_period"
  | "non_positive_duration"
  | "duration_over_limit"
  | "unknown_zone"
  | "invalid_amount"
  | "invalid_distance"
  | "speed_over_limit"
  | "invalid_passenger_count"
  | "duplicate";

/**
 * Every {@linkcode CurationReason}, in rule order: the first failing rule names the reason.
 *
 * @example
 * ```ts
 * import { CURATION_REASONS } from "./curation_reason.ts";
 * import assert from "node:assert";
 * assert.equal(CURATION_REASONS[0], "missing_timestamp");
 * assert.equal(CURATION_REASONS.length, 10);
 * ```
 */
export const CURATION_REASONS: readonly CurationReason[] = [
  "missing_timestamp",
  "outside_period",
  "non_positive_duration",
  "duration_over_limit",
  "unknown_zone",
  "invalid_amount",
  "invalid_distance",
  "speed_over_limit",
  "invalid_passenger_count",
  "duplicate",
];

/**
 * Zod schema of {@linkcode CurationReason}.
 *
 * @example
 * ```ts
 * import { curationReasonSchema } from "./curation_reason.ts";
 * import assert from "node:assert";
 * assert.equal(curationReasonSchema.parse("duplicate"), "duplicate");
 * assert.throws(() => curationReasonSchema.parse("too_fast"));
 * ```
 */
export const curationReasonSchema: z.ZodType<CurationReason> = z.enum([
  "missing_timestamp",
  "outside_period",
  "non_positive_duration",
  "duration_over_limit",
  "unknown_zone",
  "invalid_amount",
  "invalid_distance",
  "speed_over_limit",
  "invalid_passenger_count",
  "duplicate",
]);

/** Rejected-row counts for every reason (zeros included), as in `load_audit.rejected`. */
export type ReasonCounts = Record<CurationReason, number>;
