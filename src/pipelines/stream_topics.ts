/**
 * The stream path's topic names, shared by the producer and the assembler.
 *
 * @module
 */

/** The three topics of one stream. */
export interface StreamTopics {
  /** Trip events, keyed by `trip_key`. */
  events: string;
  /** Rejected rows with their reason. */
  rejects: string;
  /** Messages the assembler could not parse or validate. */
  dlq: string;
}

/**
 * Topic names with an optional prefix (tests and side-by-side runs).
 *
 * @example
 * ```ts
 * import { streamTopics } from "./stream_topics.ts";
 * import assert from "node:assert";
 * assert.equal(streamTopics("t1_").dlq, "t1_trip-events-dlq");
 * ```
 */
export function streamTopics(prefix = ""): StreamTopics {
  return {
    events: `${prefix}trip-events`,
    rejects: `${prefix}trip-rejects`,
    dlq: `${prefix}trip-events-dlq`,
  };
}
