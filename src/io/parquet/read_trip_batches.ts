/**
 * Streams a TLC Parquet file as columnar {@linkcode RawTripBatch}es, one row
 * group at a time.
 *
 * @module
 */
import { type ColumnData, parquetRead, type SchemaElement } from "hyparquet";
import { compressors } from "hyparquet-compressors";
import type { TripType } from "../../../schemas/raw_trip.ts";
import {
  NUMERIC_FIELDS,
  type NumericField,
  type RawTripBatch,
} from "../../domain/raw_trip_batch.ts";
import { ChillFlowError } from "../../errors.ts";
import type { SourceColumn, TripColumnField } from "./column_map.ts";
import { FlatColumnReader, Unsupported } from "./_flat_column.ts";
import { fillNumeric, fillStrings } from "./fill_column.ts";
import { type OpenTripFile, openTripFile } from "./open_trip_file.ts";
import { NAIVE_TIMESTAMP_PARSERS } from "./timestamp.ts";

/** Options of {@linkcode readTripBatches}. */
export interface ReadTripBatchesOptions {
  /** The trip type, for a file whose columns and name do not tell; a contradiction is `CF_USAGE`. */
  tripType?: TripType;
  /**
   * Maximum rows per batch. Batches never cross a row group, so a batch may
   * be shorter.
   * @default {65536}
   */
  batchRows?: number;
  /**
   * Canonical fields to read; the others come back null. Reading fewer
   * columns reads fewer bytes.
   * @default {every field}
   */
  columns?: readonly TripColumnField[];
}

/** Rows per batch when `batchRows` is not given. */
export const DEFAULT_BATCH_ROWS = 65_536;

/**
 * Reads `path` row group by row group and yields batches of at most
 * `batchRows` rows. The footer is read first, then each group's column chunks
 * (compressed), whose pages are decoded batch by batch straight into
 * `Float64Array`s (`NaN` = null): memory holds one group's compressed bytes
 * and one batch, not a group's decoded columns (a million-row group, as
 * Arrow writes them, decoded whole took about 180 MB). A column the direct
 * decoder does not handle is decoded whole per group by hyparquet.
 * Timestamps are naive epoch milliseconds. Absent fields share one all-NaN
 * array: treat a batch's arrays as read-only.
 *
 * @param path The Parquet file.
 * @param options Trip type override, batch size and columns.
 * @returns The batches, in file order.
 * @throws {ChillFlowError} `CF_INPUT_FILE` for a missing, empty, truncated,
 * corrupt or non-Parquet file; `CF_PARQUET_SCHEMA` for a file that is not a
 * trip file.
 *
 * @example Count the rows of a month
 * ```ts ignore
 * import { readTripBatches } from "./read_trip_batches.ts";
 * let rows = 0;
 * for await (const batch of readTripBatches("data/green_tripdata_2024-01.parquet")) {
 *   rows += batch.length;
 * }
 * console.log(rows); // 56551
 * ```
 */
export async function* readTripBatches(
  path: string,
  options: ReadTripBatchesOptions = {},
): AsyncGenerator<RawTripBatch, void, undefined> {
  const batchRows = options.batchRows ?? DEFAULT_BATCH_ROWS;
  if (!Number.isInteger(batchRows) || batchRows < 1) {
    throw new RangeError(`Cannot read batches of ${batchRows} rows: expected a positive integer`);
  }
  const trip = await openTripFile(path, { tripType: options.tripType });
  try {
    const wanted = options.columns ? new Set(options.columns) : undefined;
    const columns = trip.map.columns.filter((column) => !wanted || wanted.has(column.field));
    const present = new Set(columns.map((column) => column.field));
    let groupStart = 0;
    for (let g = 0; g < trip.metadata.row_groups.length; g++) {
      const groupRows = Number(trip.metadata.row_groups[g]!.num_rows);
      const sources = await _openGroup(trip, columns, g, groupStart, groupRows);
      for (let start = 0; start < groupRows; start += batchRows) {
        const length = Math.min(batchRows, groupRows - start);
        const numeric = {} as Record<NumericField, Float64Array>;
        let missing: Float64Array | undefined;
        for (const field of NUMERIC_FIELDS) {
          numeric[field] = present.has(field)
            ? new Float64Array(length)
            : (missing ??= _nulls(length));
        }
        const flags: (string | null)[] = new Array(length).fill(null);
        for (const source of sources) {
          const target = source.column.field === "store_and_fwd_flag"
            ? flags
            : numeric[source.column.field];
          await _guarded(trip, g, () => source.read(target, length));
        }
        yield {
          tripType: trip.map.tripType,
          sourceFile: trip.sourceFile,
          firstRow: groupStart + start,
          length,
          numeric,
          storeAndFwdFlag: flags,
        };
      }
      for (const source of sources) await _guarded(trip, g, () => source.end());
      groupStart += groupRows;
    }
  } finally {
    trip.file.close();
  }
}

/** One column of a row group, handed out in order, any number of rows at a time. */
interface _ColumnSource {
  column: SourceColumn;
  read(target: Float64Array | (string | null)[], rows: number): Promise<void>;
  /** Checks that the group's column held exactly the rows read. */
  end(): Promise<void>;
}

/** The sources of a row group's columns: the direct decoder's where it can, else hyparquet's. */
async function _openGroup(
  trip: OpenTripFile,
  columns: readonly SourceColumn[],
  groupIndex: number,
  groupStart: number,
  groupRows: number,
): Promise<_ColumnSource[]> {
  if (groupRows === 0) return [];
  const sources: _ColumnSource[] = [];
  for (const column of columns) {
    sources.push(
      await _guarded(
        trip,
        groupIndex,
        () => _flatSource(trip, groupIndex, column, groupStart, groupRows),
      ),
    );
  }
  return sources;
}

/**
 * The direct decoder over the column's chunk. Should a page need what it does
 * not decode, the column switches to hyparquet's whole-group decoding from
 * the row it got to.
 */
async function _flatSource(
  trip: OpenTripFile,
  groupIndex: number,
  column: SourceColumn,
  groupStart: number,
  groupRows: number,
): Promise<_ColumnSource> {
  const whole = (from = 0) => _wholeSource(trip, groupIndex, column, groupStart, groupRows, from);
  const chunk = trip.metadata.row_groups[groupIndex]!.columns.find((c) =>
    c.meta_data?.path_in_schema.length === 1 && c.meta_data.path_in_schema[0] === column.name
  );
  const element = trip.elements.get(column.name);
  if (!chunk?.meta_data || chunk.file_path || !element) return await whole();
  const meta = chunk.meta_data;
  const start = Number(meta.dictionary_page_offset || meta.data_page_offset);
  const bytes = new Uint8Array(
    await trip.file.slice(start, start + Number(meta.total_compressed_size)),
  );
  let reader: FlatColumnReader;
  try {
    reader = new FlatColumnReader(bytes, { element, meta, kind: column.kind, compressors });
  } catch (error) {
    if (error instanceof Unsupported) return await whole();
    throw error;
  }
  let fallback: _ColumnSource | undefined;
  let done = 0;
  return {
    column,
    async read(target, rows) {
      if (fallback === undefined) {
        try {
          reader.read(target, 0, rows);
          done += rows;
          return;
        } catch (error) {
          if (!(error instanceof Unsupported)) throw error;
          fallback = await whole(done);
        }
      }
      await fallback.read(target, rows);
    },
    async end() {
      if (fallback !== undefined) await fallback.end();
      else reader.end();
    },
  };
}

/** hyparquet's generic decoding of the column's whole group, handed out in slices from row `from`. */
async function _wholeSource(
  trip: OpenTripFile,
  groupIndex: number,
  column: SourceColumn,
  groupStart: number,
  groupRows: number,
  from: number,
): Promise<_ColumnSource> {
  const strings = column.field === "store_and_fwd_flag";
  const values: Float64Array | (string | null)[] = strings
    ? new Array(groupRows).fill(null)
    : new Float64Array(groupRows);
  let filled = 0;
  await parquetRead({
    file: trip.file,
    metadata: trip.metadata,
    columns: [column.name],
    rowStart: groupStart,
    rowEnd: groupStart + groupRows,
    compressors,
    parsers: NAIVE_TIMESTAMP_PARSERS,
    onChunk: (chunk: ColumnData) => {
      if (chunk.columnName !== column.name) return;
      // Chunks may start before or run past the group: keep only its rows.
      const first = Math.max(chunk.rowStart, groupStart);
      const to = Math.min(chunk.rowEnd, groupStart + groupRows);
      if (to <= first) return;
      const data = first === chunk.rowStart && to === chunk.rowEnd
        ? chunk.columnData
        : chunk.columnData.slice(first - chunk.rowStart, to - chunk.rowStart);
      if (strings) fillStrings(values as (string | null)[], first - groupStart, data);
      else fillNumeric(values as Float64Array, first - groupStart, data);
      filled += to - first;
    },
  });
  const element = trip.elements.get(column.name);
  if (!strings && element !== undefined) _scaleDecimals(values as Float64Array, element);
  let at = from;
  return {
    column,
    read(target, rows) {
      if (target instanceof Float64Array) {
        target.set((values as Float64Array).subarray(at, at + rows));
      } else {
        for (let i = 0; i < rows; i++) target[i] = (values as (string | null)[])[at + i]!;
      }
      at += rows;
      return Promise.resolve();
    },
    end() {
      if (filled !== groupRows) {
        throw new ChillFlowError(
          "CF_INPUT_FILE",
          `Cannot read "${trip.sourceFile}": column "${column.name}" has ${filled} values in row group ${groupIndex}, expected ${groupRows}`,
        );
      }
      return Promise.resolve();
    },
  };
}

/** Runs a read of row group `groupIndex`, reporting a failure of the file as corrupt. */
async function _guarded<T>(
  trip: OpenTripFile,
  groupIndex: number,
  fn: () => Promise<T> | T,
): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof ChillFlowError) throw error;
    const detail = error instanceof Error ? error.message : String(error);
    throw new ChillFlowError(
      "CF_INPUT_FILE",
      `Cannot read "${trip.sourceFile}": row group ${groupIndex} is corrupt (${detail})`,
      { cause: error },
    );
  }
}

function _nulls(rows: number): Float64Array {
  return new Float64Array(rows).fill(NaN);
}

/**
 * Decimal values as the decimal they name, correctly rounded: hyparquet scales
 * a converted-type DECIMAL by multiplying with `10 ** -scale` (57 at scale 2
 * reads 0.5700000000000001, which the key would hash) and leaves a
 * logical-type-only DECIMAL unscaled. Dividing the unscaled integer by
 * `10 ** scale` gives the closest double to the decimal.
 */
function _scaleDecimals(values: Float64Array, element: SchemaElement): void {
  const converted = element.converted_type === "DECIMAL";
  if (!converted && element.logical_type?.type !== "DECIMAL") return;
  const logical = element.logical_type as { scale?: number } | undefined;
  const divisor = 10 ** (logical?.scale ?? element.scale ?? 0);
  for (let i = 0; i < values.length; i++) {
    const unscaled = converted ? Math.round(values[i]! * divisor) : values[i]!;
    values[i] = unscaled / divisor;
  }
}
