/**
 * Helpers shared by the benchmarks: running a command and making sure the
 * synthesized month they measure exists.
 *
 * @module
 */
import { inspectTripFile } from "../src/io/parquet/inspect_trip_file.ts";

const decoder = new TextDecoder();

/** Runs a command to completion; throws with its stderr when it fails. */
export async function run(
  cmd: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<{ stdout: string; stderr: string }> {
  const out = await new Deno.Command(cmd, { args, env, stdout: "piped", stderr: "piped" }).output();
  if (out.code !== 0) {
    throw new Error(`${cmd} ${args.join(" ")} failed (${out.code}): ${decoder.decode(out.stderr)}`);
  }
  return { stdout: decoder.decode(out.stdout), stderr: decoder.decode(out.stderr) };
}

/** Rows per row group of the synthesized month: Arrow's default, which TLC's monthly files have. */
export const BENCH_ROW_GROUP_ROWS = 1_048_576;

/**
 * Writes `file` with `rows` rows of February 2025 resampled from `like`
 * through `deno task synth`, in row groups as TLC's files have them, unless
 * a file with that many rows and that layout is there.
 */
export async function ensureSynthMonth(
  file: string,
  rows: number,
  like: string,
  log: (line: string) => void,
): Promise<void> {
  try {
    const info = await inspectTripFile(file);
    if (info.rows === rows && info.maxRowGroupRows === Math.min(rows, BENCH_ROW_GROUP_ROWS)) return;
  } catch { /* missing or unreadable: write it */ }
  log(`synthesizing ${rows} rows into ${file} ...`);
  await Deno.mkdir(file.slice(0, file.lastIndexOf("/")), { recursive: true });
  // The synth task may read data/ and bench/out/ only.
  const copy = `bench/out/${like.split("/").at(-1)}`;
  await Deno.copyFile(like, copy);
  await run(Deno.execPath(), [
    "task",
    "-q",
    "synth",
    "--like",
    copy,
    "--rows",
    String(rows),
    "--period",
    "2025-02",
    "--out",
    file,
    "--row-group-rows",
    String(BENCH_ROW_GROUP_ROWS),
  ]);
}
