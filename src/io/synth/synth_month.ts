/**
 * Writes a realistic TLC month of any size by resampling the clean rows of a
 * real file, with a controlled share of every curation reject reason.
 *
 * @module
 */
import { ParquetWriter } from "hyparquet-writer";
import { CURATION_REASONS, type CurationReason } from "../../../schemas/curation_reason.ts";
import type { TripType } from "../../../schemas/raw_trip.ts";
import { isPeriod, monthIndexOfPeriod, monthStartMs } from "../../domain/curation/period.ts";
import {
  NUMERIC_FIELDS,
  type NumericField,
  type RawTripBatch,
} from "../../domain/raw_trip_batch.ts";
import { ChillFlowError } from "../../errors.ts";
import { FileSink } from "./file_sink.ts";
import { injectReject } from "./inject_reject.ts";
import { createRng } from "./rng.ts";
import { fillGroupRow, RowSpacer } from "./_row_spacer.ts";
import { columnValues, tlcColumns, tlcSchema } from "./tlc_layout.ts";
import { loadTripPool } from "./trip_pool.ts";

/** Options of {@linkcode synthMonth}. */
export interface SynthMonthOptions {
  /** A real TLC file whose clean rows are resampled. */
  like: string;
  /** Rows to write. */
  rows: number;
  /** Target month, `YYYY-MM`. */
  period: string;
  /** Output Parquet file (written to `<out>.part`, renamed when complete). */
  out: string;
  /** Random seed: the same seed and options give the same bytes. @default {"chillflow"} */
  seed?: string;
  /** Rows per row group. @default {250000} */
  rowGroupRows?: number;
  /** Share of rows that get a reject reason, spread evenly over the 10 reasons. @default {0.01} */
  rejectRate?: number;
  /** Trip type of the output. @default {the `like` file's} */
  tripType?: TripType;
  /** Called after each row group with the rows written so far. */
  onProgress?: (rows: number) => void;
}

/** What {@linkcode synthMonth} wrote. */
export interface SynthMonthSummary {
  /** The file written. */
  out: string;
  /** Rows written. */
  rows: number;
  /** Row groups written. */
  rowGroups: number;
  /** The month, `YYYY-MM`. */
  period: string;
  /** Trip type of the rows (and of the column layout). */
  tripType: TripType;
  /** The seed used. */
  seed: string;
  /** Clean rows of the `like` file the output was drawn from. */
  poolRows: number;
  /** Rows given each reject reason; a load of the file rejects exactly these. */
  injected: Record<CurationReason, number>;
  /** Rows a load of the file accepts: `rows` minus every injected reject. */
  expectedAccepted: number;
  /** Size of the file. */
  bytes: number;
}

/**
 * Generates the month and writes it row group by row group (memory is one
 * row group plus a pool of at most 250,000 source rows and a 16 MiB filter).
 * The same options and seed always give the same file.
 *
 * @param options What to write.
 * @returns Counts, including the injected rejects per reason.
 * @throws {RangeError} For a bad row count, period, rate or row group size.
 * @throws {ChillFlowError} From reading `like`, or `CF_INPUT_FILE` when the output cannot be written.
 *
 * @example
 * ```ts ignore
 * import { synthMonth } from "./synth_month.ts";
 * const summary = await synthMonth({
 *   like: "data/green_tripdata_2024-01.parquet", rows: 1_000_000, period: "2024-03",
 *   out: "/tmp/green_tripdata_2024-03.parquet",
 * });
 * console.log(summary.injected.duplicate);
 * ```
 */
export async function synthMonth(options: SynthMonthOptions): Promise<SynthMonthSummary> {
  const { rows, period } = options;
  const seed = options.seed ?? "chillflow";
  const groupRows = options.rowGroupRows ?? 250_000;
  const rejectRate = options.rejectRate ?? 0.01;
  if (!Number.isSafeInteger(rows) || rows < 1) {
    throw new RangeError(`Cannot write ${rows} rows: expected a positive integer`);
  }
  if (!isPeriod(period)) throw new RangeError(`Cannot use period "${period}": expected YYYY-MM`);
  if (!Number.isSafeInteger(groupRows) || groupRows < 1) {
    throw new RangeError(`Cannot use row groups of ${groupRows} rows: expected a positive integer`);
  }
  if (!(rejectRate >= 0 && rejectRate <= 1)) {
    throw new RangeError(`Cannot use reject rate ${rejectRate}: expected 0..1`);
  }

  if (await Deno.stat(options.out).then((info) => info.isDirectory, () => false)) {
    throw new ChillFlowError("CF_USAGE", `Cannot write "${options.out}": it is a folder`);
  }
  const rng = createRng(seed);
  const pool = await loadTripPool(options.like, { rng });
  const tripType = options.tripType ?? pool.tripType;
  const month = monthIndexOfPeriod(period);
  const bounds = { start: monthStartMs(month), end: monthStartMs(month + 1) };
  const spacer = new RowSpacer(pool, bounds, rng);
  if (rows > spacer.capacity) {
    // Every row must differ from the others: a small source runs out of distinct trips.
    throw new ChillFlowError(
      "CF_USAGE",
      `Cannot synthesize ${rows} rows from "${options.like}": its rows spread over ${period} ` +
        `give at most ${spacer.capacity} distinct trips; use a larger --like file or fewer --rows`,
    );
  }
  const columns = tlcColumns(tripType, period);
  const injected = Object.fromEntries(CURATION_REASONS.map((r) => [r, 0])) as Record<
    CurationReason,
    number
  >;

  const part = `${options.out}.part`;
  let file: Deno.FsFile;
  try {
    file = await Deno.open(part, { write: true, create: true, truncate: true });
  } catch (error) {
    throw new ChillFlowError(
      "CF_INPUT_FILE",
      `Cannot write "${options.out}": ${error instanceof Error ? error.message : error}`,
      { cause: error },
    );
  }
  const sink = new FileSink(file);
  try {
    const writer = new ParquetWriter({
      writer: sink,
      schema: tlcSchema(columns),
      statistics: false,
      createdBy: "chillflow synth",
    });
    let written = 0;
    let groups = 0;
    while (written < rows) {
      const length = Math.min(groupRows, rows - written);
      const batch = _emptyBatch(tripType, length, written);
      const clean = new Uint8Array(length);
      for (let i = 0; i < length; i++) {
        const reason = rng.next() < rejectRate
          ? CURATION_REASONS[rng.int(CURATION_REASONS.length)]!
          : undefined;
        if (reason === "duplicate" && _copyEarlierClean(batch, clean, i, rng)) {
          injected.duplicate++;
          continue;
        }
        fillGroupRow(spacer, batch, i);
        if (reason && reason !== "duplicate") {
          injectReject(batch, i, reason, { ...bounds, rng });
          injected[reason]++;
        } else clean[i] = 1;
      }
      await writer.write({
        columnData: columns.map((column) => ({
          name: column.name,
          data: columnValues(batch, column),
        })),
        rowGroupSize: length,
      });
      written += length;
      groups++;
      options.onProgress?.(written);
    }
    writer.kvMetadata = [{
      key: "chillflow.synth",
      value: JSON.stringify({ like: options.like, seed, period, rows, injected }),
    }];
    await writer.finish();
    await Deno.rename(part, options.out);
    const rejected = Object.values(injected).reduce((a, b) => a + b, 0);
    return {
      out: options.out,
      rows,
      rowGroups: groups,
      period,
      tripType,
      seed,
      poolRows: pool.size,
      injected,
      expectedAccepted: rows - rejected,
      bytes: (await Deno.stat(options.out)).size,
    };
  } catch (error) {
    sink.close();
    await Deno.remove(part).catch(() => {});
    throw error;
  }
}

function _emptyBatch(tripType: TripType, length: number, firstRow: number): RawTripBatch {
  const numeric = {} as Record<NumericField, Float64Array>;
  for (const field of NUMERIC_FIELDS) numeric[field] = new Float64Array(length);
  return {
    tripType,
    sourceFile: "",
    firstRow,
    length,
    numeric,
    storeAndFwdFlag: new Array(length).fill(null),
  };
}

// Copies a random earlier clean row of the group over row i; false when none exists yet.
function _copyEarlierClean(
  batch: RawTripBatch,
  clean: Uint8Array,
  i: number,
  rng: { int(n: number): number },
): boolean {
  if (i === 0) return false;
  let source = rng.int(i);
  while (source >= 0 && !clean[source]) source--;
  if (source < 0) return false;
  for (const field of NUMERIC_FIELDS) batch.numeric[field][i] = batch.numeric[field][source]!;
  batch.storeAndFwdFlag[i] = batch.storeAndFwdFlag[source]!;
  return true;
}
