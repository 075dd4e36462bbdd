/**
 * A random-access view of a local file for hyparquet: only the byte ranges a
 * reader asks for are loaded, so memory follows the footer and one row group,
 * never the whole file.
 *
 * @module
 */
import type { AsyncBuffer } from "hyparquet";
import { ChillFlowError } from "../../errors.ts";
import { basename } from "./_path.ts";

/** An {@linkcode AsyncBuffer} over an open file that must be closed. */
export interface FileBuffer extends AsyncBuffer, AsyncDisposable {
  /** The path the buffer was opened from. */
  readonly path: string;
  /** Closes the file handle (idempotent). */
  close(): void;
}

/**
 * Opens `path` for ranged reads. Reads are serialised because a Deno file
 * handle has one cursor, and hyparquet may ask for several ranges at once.
 *
 * @param path The file to open.
 * @returns A buffer whose `slice()` reads from disk.
 * @throws {ChillFlowError} `CF_INPUT_FILE` when the file is missing, a directory or unreadable.
 *
 * @example Read the magic bytes of a sample file
 * ```ts ignore
 * import { openFileBuffer } from "./file_buffer.ts";
 * await using file = await openFileBuffer("data/green_tripdata_2024-01.parquet");
 * const head = new TextDecoder().decode(await file.slice(0, 4));
 * ```
 */
export async function openFileBuffer(path: string): Promise<FileBuffer> {
  const name = basename(path);
  let handle: Deno.FsFile;
  let size: number;
  try {
    handle = await Deno.open(path, { read: true });
  } catch (error) {
    throw new ChillFlowError("CF_INPUT_FILE", `Cannot read "${name}": ${_reason(error)}`, {
      cause: error,
    });
  }
  try {
    const info = await handle.stat();
    if (!info.isFile) throw new Deno.errors.IsADirectory("not a regular file");
    size = info.size;
  } catch (error) {
    handle.close();
    throw new ChillFlowError("CF_INPUT_FILE", `Cannot read "${name}": ${_reason(error)}`, {
      cause: error,
    });
  }
  let closed = false;
  let queue: Promise<unknown> = Promise.resolve();
  const readRange = async (start: number, end: number): Promise<ArrayBuffer> => {
    const bytes = new Uint8Array(Math.max(0, end - start));
    await handle.seek(start, Deno.SeekMode.Start);
    let filled = 0;
    while (filled < bytes.length) {
      const n = await handle.read(bytes.subarray(filled));
      if (n === null) {
        throw new ChillFlowError(
          "CF_INPUT_FILE",
          `Cannot read "${name}": file ended at byte ${
            start + filled
          }, expected ${end} (it changed while being read)`,
        );
      }
      filled += n;
    }
    return bytes.buffer;
  };
  const close = (): void => {
    if (closed) return;
    closed = true;
    handle.close();
  };
  return {
    path,
    byteLength: size,
    slice(start: number, end: number = size): Promise<ArrayBuffer> {
      const result = queue.then(() => readRange(start, Math.min(end, size)));
      queue = result.catch(() => {});
      return result;
    },
    close,
    [Symbol.asyncDispose](): Promise<void> {
      close();
      return Promise.resolve();
    },
  };
}

function _reason(error: unknown): string {
  if (error instanceof Deno.errors.NotFound) return "file not found";
  if (error instanceof Deno.errors.IsADirectory) return "not a regular file";
  if (error instanceof Deno.errors.PermissionDenied) return "permission denied";
  return error instanceof Error ? error.message : String(error);
}
