/**
 * Options of {@linkcode FileBus}.
 *
 * @module
 */

/** Options of `FileBus.open`. */
export interface FileBusOptions {
  /** Folder holding topics, offsets and group members; created if missing. */
  dir: string;
  /** How often an idle member looks for new messages. @default 50 */
  pollIntervalMs?: number;
  /** How often a member refreshes its heartbeat file and the group view. @default 500 */
  heartbeatIntervalMs?: number;
  /** A member whose heartbeat is older than this is dead; others take its partitions. @default 5000 */
  sessionTimeoutMs?: number;
  /** Most messages handed to one `handleBatch` call. @default 1000 */
  maxBatchMessages?: number;
}

/** {@linkcode FileBusOptions} with every default applied. */
export type ResolvedFileBusOptions = Required<FileBusOptions>;

/**
 * Applies the defaults to `options`.
 *
 * @example
 * ```ts
 * import { resolveFileBusOptions } from "./options.ts";
 * import assert from "node:assert";
 * assert.equal(resolveFileBusOptions({ dir: ".chillflow/bus" }).sessionTimeoutMs, 5000);
 * ```
 */
export function resolveFileBusOptions(options: FileBusOptions): ResolvedFileBusOptions {
  return {
    dir: options.dir,
    pollIntervalMs: options.pollIntervalMs ?? 50,
    heartbeatIntervalMs: options.heartbeatIntervalMs ?? 500,
    sessionTimeoutMs: options.sessionTimeoutMs ?? 5000,
    maxBatchMessages: options.maxBatchMessages ?? 1000,
  };
}
