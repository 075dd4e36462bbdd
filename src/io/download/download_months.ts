/**
 * Downloads a range of TLC months into a folder.
 *
 * @module
 */
import type { TripType } from "../../../schemas/raw_trip.ts";
import { ChillFlowError } from "../../errors.ts";
import { downloadFile, type DownloadFileOptions, type DownloadResult } from "./download_file.ts";
import { periodsBetween, TLC_BASE_URL, tlcFileName, tlcFileUrl } from "./tlc_url.ts";

/** Options of {@linkcode downloadMonths}. */
export interface DownloadMonthsOptions extends Omit<DownloadFileOptions, "onProgress"> {
  /** Yellow or green. */
  tripType: TripType;
  /** First month, `YYYY-MM`. */
  from: string;
  /** Last month, `YYYY-MM`. @default {from} */
  to?: string;
  /** Target folder, created if needed. @default {"data"} */
  dir?: string;
  /** Folder URL of the files. @default {TLC_BASE_URL} */
  baseUrl?: string;
  /** Called before each file. */
  onFile?: (file: string, url: string) => void;
  /** Called as bytes of the current file arrive. */
  onProgress?: (file: string, received: number, total: number | undefined) => void;
}

/** One month's outcome. */
export interface MonthDownload extends DownloadResult {
  /** `YYYY-MM`. */
  period: string;
  /** The URL fetched (or that would have been). */
  url: string;
}

/**
 * Downloads every month from `from` to `to`, one after the other; complete
 * files are skipped, partial ones resumed. Stops at the first error.
 *
 * @param options Type, months, folder and base URL.
 * @returns One entry per month.
 * @throws {RangeError} For malformed periods.
 * @throws {ChillFlowError} `CF_DOWNLOAD` from {@linkcode downloadFile}, or when `dir` cannot be created.
 *
 * @example
 * ```ts ignore
 * import { downloadMonths } from "./download_months.ts";
 * const months = await downloadMonths({ tripType: "yellow", from: "2024-01", to: "2024-03" });
 * console.log(months.map((m) => m.status));
 * ```
 */
export async function downloadMonths(options: DownloadMonthsOptions): Promise<MonthDownload[]> {
  const dir = (options.dir ?? "data").replace(/\/+$/, "") || "/";
  const periods = periodsBetween(options.from, options.to);
  try {
    await Deno.mkdir(dir, { recursive: true });
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new ChillFlowError("CF_DOWNLOAD", `Cannot create folder "${dir}": ${detail}`, {
      cause: error,
    });
  }
  const results: MonthDownload[] = [];
  for (const period of periods) {
    const file = tlcFileName(options.tripType, period);
    const url = tlcFileUrl(options.tripType, period, options.baseUrl ?? TLC_BASE_URL);
    options.onFile?.(file, url);
    let result: DownloadResult;
    try {
      result = await downloadFile(url, `${dir}/${file}`, {
        ...options,
        onProgress: (received, total) => options.onProgress?.(file, received, total),
      });
    } catch (error) {
      // The months done before a failure or a stop are on disk: say which.
      if (!(error instanceof ChillFlowError) || results.length === 0) throw error;
      const done = results.map((r) => r.path.split("/").at(-1)).join(", ");
      throw new ChillFlowError(error.code, `${error.message} (complete before it: ${done})`, {
        cause: error,
        retryable: error.retryable,
      });
    }
    results.push({ ...result, period, url });
  }
  return results;
}
