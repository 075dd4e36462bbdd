/**
 * The cheap completeness check of a downloaded file: `PAR1` at both ends.
 *
 * @module
 */

const MAGIC = "PAR1";

/**
 * Whether the file at `path` starts and ends with the Parquet magic bytes.
 * A download cut short lacks the trailing magic (the footer comes last).
 *
 * @param path The file.
 * @returns False for a missing, short or non-Parquet file.
 *
 * @example
 * ```ts ignore
 * import { hasParquetMagic } from "./parquet_magic.ts";
 * console.log(await hasParquetMagic("data/green_tripdata_2024-01.parquet")); // true
 * ```
 */
export function hasParquetMagic(path: string): Promise<boolean> {
  return _withFile(path, async (file) => {
    const { size } = await file.stat();
    if (size < 12) return false;
    const head = await _readAt(file, 0), tail = await _readAt(file, size - 4);
    return head === MAGIC && tail === MAGIC;
  });
}

async function _readAt(file: Deno.FsFile, offset: number): Promise<string> {
  await file.seek(offset, Deno.SeekMode.Start);
  const bytes = new Uint8Array(4);
  let filled = 0;
  while (filled < 4) {
    const n = await file.read(bytes.subarray(filled));
    if (n === null) break;
    filled += n;
  }
  return new TextDecoder().decode(bytes.subarray(0, filled));
}

/**
 * Whether `path` begins like a Parquet file: a cut download of one does, an
 * error page sent instead does not.
 *
 * @example
 * ```ts
 * import { hasParquetHead } from "./parquet_magic.ts";
 * import assert from "node:assert";
 * const path = await Deno.makeTempFile();
 * await Deno.writeTextFile(path, "PAR1 and then the connection dropped");
 * assert.equal(await hasParquetHead(path), true);
 * await Deno.remove(path);
 * ```
 */
export function hasParquetHead(path: string): Promise<boolean> {
  return _withFile(path, async (file) => await _readAt(file, 0) === MAGIC);
}

/** `check` of the open file, or false when there is no file. */
async function _withFile(
  path: string,
  check: (file: Deno.FsFile) => Promise<boolean>,
): Promise<boolean> {
  let file: Deno.FsFile;
  try {
    file = await Deno.open(path, { read: true });
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
  try {
    return await check(file);
  } finally {
    file.close();
  }
}
