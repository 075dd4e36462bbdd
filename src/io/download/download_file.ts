/**
 * Downloads one file with resume: bytes go to `<name>.part`, a dropped
 * connection continues with an HTTP Range request, and the file gets its
 * final name only once it is whole Parquet. The server's validator of the
 * file (ETag, else Last-Modified) is kept in `<name>.part.validator` and sent
 * as `If-Range`, so a `.part` of a file the server has since replaced is
 * started again rather than completed with the new file's bytes.
 *
 * @module
 */
import { ChillFlowError } from "../../errors.ts";
import { hasParquetHead, hasParquetMagic } from "./parquet_magic.ts";

/** Options of {@linkcode downloadFile}. */
export interface DownloadFileOptions {
  /** The fetch to use (tests, proxies). @default {globalThis.fetch} */
  fetch?: typeof fetch;
  /** Resume attempts after a dropped connection or a 5xx. @default {3} */
  retries?: number;
  /** Wait before a retry, doubled each time. @default {500} */
  retryDelayMs?: number;
  /** Called as bytes arrive: bytes on disk so far and the expected total, if known. */
  onProgress?: (received: number, total: number | undefined) => void;
  /** Stops the download; the `.part` file stays for a later resume. */
  signal?: AbortSignal;
  /**
   * A connection that sends nothing for this long counts as dropped (and is
   * resumed, within `retries`): a stalled server would otherwise hold the
   * download forever. @default {60000}
   */
  idleTimeoutMs?: number;
}

/** What {@linkcode downloadFile} did. */
export interface DownloadResult {
  /** The final path. */
  path: string;
  /** `skipped`: already complete; `resumed`: continued a `.part`; else `downloaded`. */
  status: "downloaded" | "resumed" | "skipped";
  /** Size of the complete file. */
  bytes: number;
}

/**
 * Downloads `url` to `path` unless `path` is already a complete Parquet file.
 *
 * @param url The file URL.
 * @param path Where the file goes.
 * @param options Fetch, retries, progress and cancellation.
 * @returns What happened and the file size.
 * @throws {ChillFlowError} `CF_DOWNLOAD` on 403/404, other HTTP errors, a
 * connection that keeps dropping, a body that is not Parquet, or an abort of
 * `options.signal` (the bytes received stay in `<path>.part`).
 *
 * @example
 * ```ts ignore
 * import { downloadFile } from "./download_file.ts";
 * const result = await downloadFile(
 *   "https://d37ci6vzurychx.cloudfront.net/trip-data/green_tripdata_2024-01.parquet",
 *   "data/green_tripdata_2024-01.parquet",
 * );
 * console.log(result.status);
 * ```
 */
export async function downloadFile(
  url: string,
  path: string,
  options: DownloadFileOptions = {},
): Promise<DownloadResult> {
  const name = path.split(/[\\/]/).at(-1)!;
  for (const target of [path, `${path}.part`]) {
    if (await _isFolder(target)) throw _error(name, `"${target}" is a folder; move it away`);
  }
  if (await hasParquetMagic(path)) return { path, status: "skipped", bytes: await _size(path) };
  const doFetch = options.fetch ?? fetch;
  const retries = options.retries ?? 3;
  const part = `${path}.part`;
  const validatorFile = `${part}.validator`;
  const idleMs = options.idleTimeoutMs ?? 60_000;
  let resumed = false;
  for (let attempt = 0;; attempt++) {
    const retry = async (detail: string, cause?: unknown): Promise<void> => {
      if (options.signal?.aborted) {
        // The abort, not the network, ended the fetch: its error would read as a drop.
        const kept = await _size(part);
        throw _error(
          name,
          `interrupted with ${kept} bytes kept in "${part}"; run the download again to resume`,
          options.signal.reason,
          true,
        );
      }
      if (attempt >= retries) {
        throw _error(name, `${detail}; run the download again to resume`, cause, true);
      }
      await new Promise((r) => setTimeout(r, (options.retryDelayMs ?? 500) * 2 ** attempt));
    };
    const offset = await _size(part);
    const headers: Record<string, string> = {};
    if (offset > 0) {
      headers.Range = `bytes=${offset}-`;
      const validator = await _readValidator(validatorFile);
      if (validator !== undefined) headers["If-Range"] = validator;
    }
    const idle = new _IdleTimer(idleMs);
    const signal = options.signal ? AbortSignal.any([options.signal, idle.signal]) : idle.signal;
    let response: Response;
    try {
      response = await doFetch(url, { headers, signal });
    } catch (error) {
      idle.stop();
      if (error instanceof Deno.errors.NotCapable) {
        // Refused by --allow-net: no retry or rerun can help.
        throw _error(
          name,
          `--allow-net does not grant ${_host(url)}; run tasks/download.ts with ` +
            `--allow-net=${_host(url)} to download from there`,
          error,
        );
      }
      await retry(`cannot reach ${_host(url)} (${_why(error, idle)})`, error);
      continue;
    }
    if (response.status === 416 && offset > 0) {
      idle.stop();
      // Nothing left to send: the part is whole if the file is as long as the part.
      await response.body?.cancel();
      const size = /^bytes \*\/(\d+)$/.exec(response.headers.get("content-range") ?? "")?.[1];
      if ((size === undefined || Number(size) === offset) && await hasParquetMagic(part)) {
        resumed = true;
        break;
      }
      await _removePart(part, validatorFile);
      await retry("the partial file did not match the server's");
      continue;
    }
    if (response.status === 404 || response.status === 403) {
      await response.body?.cancel();
      throw _error(
        name,
        `not found at ${url} (HTTP ${response.status}); TLC publishes a month about two months after it ends`,
      );
    }
    if (!response.ok || !response.body) {
      await response.body?.cancel();
      const detail = `HTTP ${response.status} ${response.statusText}`.trim();
      if (response.status >= 500) {
        await retry(detail);
        continue;
      }
      throw _error(name, detail);
    }
    const range = /^bytes (\d+)-\d+\/(\d+|\*)$/.exec(response.headers.get("content-range") ?? "");
    const appending = response.status === 206 && offset > 0 && Number(range?.[1]) === offset;
    const length = Number(response.headers.get("content-length") ?? NaN);
    const total = appending
      ? (range?.[2] === "*" ? undefined : Number(range?.[2]))
      : (Number.isFinite(length) ? length : undefined);
    resumed ||= appending;
    let received = appending ? offset : 0;
    if (!appending) await _writeValidator(validatorFile, response.headers);
    const file = await _openPart(part, appending, name);
    try {
      for await (const chunk of response.body) {
        idle.reset();
        for (let written = 0; written < chunk.length;) {
          written += await file.write(chunk.subarray(written));
        }
        received += chunk.length;
        options.onProgress?.(received, total);
      }
    } catch (error) {
      file.close();
      idle.stop();
      await retry(`connection dropped after ${received} bytes (${_why(error, idle)})`, error);
      resumed = true;
      continue;
    }
    idle.stop();
    file.close();
    if (total !== undefined && received !== total) {
      await retry(`connection ended after ${received} of ${total} bytes`);
      resumed = true;
      continue;
    }
    // Without a length, a Parquet file whose end has not come is a cut body, not junk.
    if (total === undefined && !await hasParquetMagic(part) && await hasParquetHead(part)) {
      await retry(`connection ended after ${received} bytes, before the file's end`);
      resumed = true;
      continue;
    }
    break;
  }
  if (!(await hasParquetMagic(part))) {
    await _removePart(part, validatorFile);
    throw _error(name, "the server sent a file that is not Parquet (no PAR1 magic at both ends)");
  }
  await Deno.rename(part, path);
  await Deno.remove(validatorFile).catch(() => {});
  return { path, status: resumed ? "resumed" : "downloaded", bytes: await _size(path) };
}

/** Aborts its signal once `ms` pass without a `reset()`. */
class _IdleTimer {
  readonly #controller = new AbortController();
  readonly #ms: number;
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(ms: number) {
    this.#ms = ms;
    this.reset();
  }

  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  reset(): void {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(
      () => this.#controller.abort(new Error(`nothing received for ${this.#ms / 1000} s`)),
      this.#ms,
    );
  }

  stop(): void {
    clearTimeout(this.#timer);
  }
}

function _why(error: unknown, idle: _IdleTimer): string {
  return _message(idle.signal.aborted ? idle.signal.reason : error);
}

/** The validator to send as `If-Range`, if the first response of this `.part` had one. */
async function _readValidator(file: string): Promise<string | undefined> {
  try {
    return (await Deno.readTextFile(file)).trim() || undefined;
  } catch {
    return undefined;
  }
}

/** Keeps a strong ETag, else Last-Modified, for the resumes of a new `.part`. */
async function _writeValidator(file: string, headers: Headers): Promise<void> {
  const etag = headers.get("etag");
  const validator = etag !== null && !etag.startsWith("W/") ? etag : headers.get("last-modified");
  if (validator === null) await Deno.remove(file).catch(() => {});
  else await Deno.writeTextFile(file, validator);
}

async function _removePart(part: string, validatorFile: string): Promise<void> {
  await Deno.remove(part).catch(() => {});
  await Deno.remove(validatorFile).catch(() => {});
}

async function _openPart(part: string, append: boolean, name: string): Promise<Deno.FsFile> {
  try {
    return await Deno.open(
      part,
      append ? { append: true } : { write: true, create: true, truncate: true },
    );
  } catch (error) {
    throw _error(name, `cannot write "${part}" (${_message(error)})`, error);
  }
}

async function _isFolder(path: string): Promise<boolean> {
  return await Deno.stat(path).then((info) => info.isDirectory, () => false);
}

async function _size(path: string): Promise<number> {
  try {
    return (await Deno.stat(path)).size;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return 0;
    throw error;
  }
}

function _host(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

function _message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function _error(name: string, detail: string, cause?: unknown, retryable = false): ChillFlowError {
  return new ChillFlowError("CF_DOWNLOAD", `Cannot download "${name}": ${detail}`, {
    cause,
    retryable,
  });
}
