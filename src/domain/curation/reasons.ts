/**
 * Reason codes as small integers, so a batch's verdicts fit in a `Uint8Array`.
 *
 * @module
 */
import {
  CURATION_REASONS,
  type CurationReason,
  type ReasonCounts,
} from "../../../schemas/curation_reason.ts";

export { CURATION_REASONS, type ReasonCounts };

/** The verdict code of an accepted row; reason codes are 1..10 in rule order. */
export const ACCEPTED = 0;

/**
 * The reason named by a verdict code (1 = `missing_timestamp` ... 10 = `duplicate`).
 *
 * @example
 * ```ts
 * import { reasonOfCode } from "./reasons.ts";
 * import assert from "node:assert";
 * assert.equal(reasonOfCode(10), "duplicate");
 * ```
 */
export function reasonOfCode(code: number): CurationReason {
  const reason = CURATION_REASONS[code - 1];
  if (reason === undefined) throw new RangeError(`Cannot name reason code ${code}: not 1..10`);
  return reason;
}

/**
 * Counts with every reason at zero, in rule order.
 *
 * @example
 * ```ts
 * import { zeroReasonCounts } from "./reasons.ts";
 * import assert from "node:assert";
 * assert.equal(zeroReasonCounts().duplicate, 0);
 * ```
 */
export function zeroReasonCounts(): ReasonCounts {
  return Object.fromEntries(CURATION_REASONS.map((r) => [r, 0])) as ReasonCounts;
}
