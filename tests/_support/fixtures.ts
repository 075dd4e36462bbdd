/**
 * Paths of the real TLC files the tests use. They live in the repository, so
 * the tests run from any clone: the bundled sample under `data/` and the other
 * vintages under `tests/fixtures/tlc/` (see tests/fixtures/README.md).
 *
 * @module
 */
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../", import.meta.url));

/** Absolute path of a file relative to the repository root. */
export function repoPath(relative: string): string {
  return `${root}${relative}`;
}

/** Real green taxi month, January 2024 (56,551 rows): the bundled sample. */
export const GREEN_2024_01: string = repoPath("data/green_tripdata_2024-01.parquet");
/** Real green taxi month, December 2023 (64,215 rows). */
export const GREEN_2023_12: string = repoPath("tests/fixtures/tlc/green_tripdata_2023-12.parquet");
/** 5,000 real yellow trips of February 2025, re-written by pandas. */
export const YELLOW_SAMPLE: string = repoPath("tests/fixtures/tlc/yellow_tripdata_sample.parquet");
/** Current zone lookup (265 rows; 264 Unknown, 265 Outside of NYC): the bundled one. */
export const ZONES_CURRENT: string = repoPath("data/taxi_zone_lookup.csv");
/** Older zone lookup vintage (264 NV, 265 NA). */
export const ZONES_OLDER: string = repoPath("tests/fixtures/tlc/taxi+_zone_lookup.csv");

/**
 * Whether anything exists at `path`.
 *
 * @example
 * ```ts
 * import { exists, GREEN_2024_01 } from "./fixtures.ts";
 * import assert from "node:assert";
 * assert.equal(await exists(GREEN_2024_01), true);
 * assert.equal(await exists(`${GREEN_2024_01}.missing`), false);
 * ```
 */
export async function exists(path: string): Promise<boolean> {
  return await Deno.stat(path).then(() => true, () => false);
}

/**
 * Runs `fn` in a fresh temporary folder named with `prefix`, removed afterwards
 * even when `fn` fails.
 *
 * @example
 * ```ts
 * import { exists, withTempDir } from "./fixtures.ts";
 * import assert from "node:assert";
 * let kept = "";
 * await withTempDir("cf_example_", async (dir) => {
 *   kept = dir;
 *   assert.equal(await exists(dir), true);
 * });
 * assert.equal(await exists(kept), false);
 * ```
 */
export async function withTempDir(
  prefix: string,
  fn: (dir: string) => Promise<void>,
): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}
