/**
 * Streams a TLC Parquet file as columnar {@linkcode RawTripBatch}es, one row
 * group at a time.
 *
 * @module
 */
import { type ColumnData, parquetRead } from "hyparquet";
import { compressors } from "hyparquet-compressors";
import type { TripType } from "../../../schemas/raw_trip.ts";
import {
  NUMERIC_FIELDS,
  type NumericField,
  type RawTripBatch,
} from "../../domain/raw_trip_batch.ts";
import { ChillFlowError } from "../../errors.ts";
import type { SourceColumn, TripColumnField } from "./column_map.ts";
import { decodeFlatColumn, Unsupported } from "./_flat_column.ts";
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

interface GroupColumns {
  numeric: Record<NumericField, Float64Array>;
  flags: (string | null)[];
}

/**
 * Reads `path` row group by row group and yields batches of at most
 * `batchRows` rows. Memory is bounded by one row group: the footer is read
 * first, then each group's column chunks, decoded straight into
 * `Float64Array`s (`NaN` = null). Timestamps are naive epoch milliseconds.
 * The arrays of a batch are views into its row group's columns (absent
 * fields share one all-NaN array): treat them as read-only.
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
    let groupStart = 0;
    for (let g = 0; g < trip.metadata.row_groups.length; g++) {
      const groupRows = Number(trip.metadata.row_groups[g]!.num_rows);
      const group = await _readGroup(trip, columns, g, groupStart, groupRows);
      for (let start = 0; start < groupRows; start += batchRows) {
        const end = Math.min(start + batchRows, groupRows);
        const numeric = {} as Record<NumericField, Float64Array>;
        for (const field of NUMERIC_FIELDS) {
          numeric[field] = group.numeric[field].subarray(start, end);
        }
        yield {
          tripType: trip.map.tripType,
          sourceFile: trip.sourceFile,
          firstRow: groupStart + start,
          length: end - start,
          numeric,
          storeAndFwdFlag: group.flags.slice(start, end),
        };
      }
      groupStart += groupRows;
    }
  } finally {
    trip.file.close();
  }
}

async function _readGroup(
  trip: OpenTripFile,
  columns: readonly SourceColumn[],
  groupIndex: number,
  groupStart: number,
  groupRows: number,
): Promise<GroupColumns> {
  const numeric = {} as Record<NumericField, Float64Array>;
  let missing: Float64Array | undefined;
  for (const field of NUMERIC_FIELDS) {
    const present = columns.some((column) => column.field === field);
    // Absent fields share one all-NaN column per group: nobody writes to it.
    numeric[field] = present ? new Float64Array(groupRows) : (missing ??= _nulls(groupRows));
  }
  const flags: (string | null)[] = new Array(groupRows).fill(null);
  const byName = new Map(columns.map((column) => [column.name, column]));
  const filled = new Map<string, number>();
  const onChunk = (chunk: ColumnData): void => {
    const column = byName.get(chunk.columnName);
    if (!column) return;
    // Chunks may start before or run past the group: keep only its rows.
    const from = Math.max(chunk.rowStart, groupStart);
    const to = Math.min(chunk.rowEnd, groupStart + groupRows);
    if (to <= from) return;
    const data = from === chunk.rowStart && to === chunk.rowEnd
      ? chunk.columnData
      : chunk.columnData.slice(from - chunk.rowStart, to - chunk.rowStart);
    if (column.field === "store_and_fwd_flag") fillStrings(flags, from - groupStart, data);
    else fillNumeric(numeric[column.field], from - groupStart, data);
    filled.set(column.name, (filled.get(column.name) ?? 0) + (to - from));
  };
  // One column at a time, so only one column chunk's bytes are alive at once.
  for (const column of groupRows > 0 ? columns : []) {
    try {
      const target = column.field === "store_and_fwd_flag" ? flags : numeric[column.field];
      if (await _readFlat(trip, groupIndex, column, target, groupRows)) {
        filled.set(column.name, groupRows);
        continue;
      }
      await parquetRead({
        file: trip.file,
        metadata: trip.metadata,
        columns: [column.name],
        rowStart: groupStart,
        rowEnd: groupStart + groupRows,
        compressors,
        parsers: NAIVE_TIMESTAMP_PARSERS,
        onChunk,
      });
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
  for (const column of columns) {
    const count = filled.get(column.name) ?? 0;
    if (count !== groupRows) {
      throw new ChillFlowError(
        "CF_INPUT_FILE",
        `Cannot read "${trip.sourceFile}": column "${column.name}" has ${count} values in row group ${groupIndex}, expected ${groupRows}`,
      );
    }
  }
  return { numeric, flags };
}

// The fast path: read the chunk's bytes and decode them straight into the
// target; false when the chunk needs hyparquet's generic path.
async function _readFlat(
  trip: OpenTripFile,
  groupIndex: number,
  column: SourceColumn,
  target: Float64Array | (string | null)[],
  rows: number,
): Promise<boolean> {
  const chunk = trip.metadata.row_groups[groupIndex]!.columns.find((c) =>
    c.meta_data?.path_in_schema.length === 1 && c.meta_data.path_in_schema[0] === column.name
  );
  const element = trip.elements.get(column.name);
  if (!chunk?.meta_data || chunk.file_path || !element) return false;
  const meta = chunk.meta_data;
  const start = Number(meta.dictionary_page_offset || meta.data_page_offset);
  const bytes = new Uint8Array(
    await trip.file.slice(start, start + Number(meta.total_compressed_size)),
  );
  try {
    decodeFlatColumn(bytes, { element, meta, kind: column.kind, compressors }, target, rows);
    return true;
  } catch (error) {
    if (error instanceof Unsupported) return false;
    throw error;
  }
}

function _nulls(rows: number): Float64Array {
  return new Float64Array(rows).fill(NaN);
}
