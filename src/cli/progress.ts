/**
 * Progress for long work: a bar with rows, rate and ETA on an interactive
 * terminal, nothing at all otherwise (CI logs stay clean).
 *
 * @module
 */
// @ts-types="@types/cli-progress"
import cliProgress from "cli-progress";
import process from "node:process";

/** A unit of long work that reports how far it got. */
export interface Progress {
  /** Adds `n` finished units. */
  tick(n: number): void;
  /** Ends the bar; calling it twice is harmless. */
  done(): void;
}

/** A progress that shows nothing. */
export const SILENT_PROGRESS: Progress = { tick() {}, done() {} };

/**
 * Starts a progress bar on stderr when it is a terminal and `enabled` is true;
 * returns {@linkcode SILENT_PROGRESS} otherwise.
 *
 * @param label What is being counted, its first word the unit of the rate:
 *   `"rows of f.parquet"` shows `... rows of f.parquet | 1200 rows/s`.
 * @param total Expected units, when known (enables the ETA).
 *
 * @example
 * ```ts
 * import { SILENT_PROGRESS, startProgress } from "./progress.ts";
 * import assert from "node:assert";
 * const progress = startProgress("rows", 100, { enabled: false });
 * assert.equal(progress, SILENT_PROGRESS);
 * progress.tick(100);
 * progress.done();
 * ```
 */
export function startProgress(
  label: string,
  total: number | undefined,
  options: { enabled: boolean },
): Progress {
  if (!options.enabled || !Deno.stderr.isTerminal()) return SILENT_PROGRESS;
  const known = total !== undefined && total > 0;
  const unit = label.split(" ")[0];
  const bar = new cliProgress.SingleBar({
    stream: process.stderr,
    hideCursor: true,
    etaBuffer: 50,
    format: known
      ? `{bar} {percentage}% | {value}/{total} ${label} | {rate} ${unit}/s | ETA {eta_formatted}`
      : `{value} ${label} | {rate} ${unit}/s`,
  }, cliProgress.Presets.shades_classic);
  const started = performance.now();
  let count = 0;
  let finished = false;
  bar.start(known ? total : 0, 0, { rate: 0 });
  return {
    tick(n: number) {
      count += n;
      const seconds = (performance.now() - started) / 1000;
      bar.update(count, { rate: seconds > 0 ? Math.round(count / seconds) : 0 });
    },
    done() {
      if (finished) return;
      finished = true;
      bar.stop();
    },
  };
}
