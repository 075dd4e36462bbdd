/**
 * Fixes a kafkajs 2.2.4 bug: after every request, each connection's request
 * queue re-schedules a pending-requests check with a negative delay even when
 * nothing is pending, so it spins on a 1 ms timer for as long as it is
 * connected (tulios/kafkajs#1704), and newer runtimes print a
 * `TimeoutNegativeWarning` (#1751). kafkajs is unmaintained, so we patch the
 * one method instead of waiting for a release: with nothing pending and no
 * broker throttle, there is nothing to check. New requests are still checked
 * on push and on every response, as before. The specifier pins the same
 * kafkajs version as deno.json, so this patches the copy the bus loads.
 *
 * @module
 */
// @ts-types="./_request_queue.d.ts"
import RequestQueue from "npm:kafkajs@2.2.4/src/network/requestQueue/index.js";

const original = RequestQueue.prototype.scheduleCheckPendingRequests;
RequestQueue.prototype.scheduleCheckPendingRequests = function (this: PendingState): void {
  if (this.pending.length === 0 && this.throttledUntil <= Date.now()) return;
  original.call(this);
};

interface PendingState {
  pending: unknown[];
  throttledUntil: number;
}
