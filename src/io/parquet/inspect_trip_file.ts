/**
 * Describes a TLC Parquet file from its footer alone (no data pages read).
 *
 * @module
 */
import { parquetSchema } from "hyparquet";
import type { TripType } from "../../../schemas/raw_trip.ts";
import type { TripColumnField } from "./column_map.ts";
import { openTripFile } from "./open_trip_file.ts";

/** One column of a trip file. */
export interface TripFileColumn {
  /** The name as spelled in the file. */
  name: string;
  /** Parquet physical type, with its logical annotation if any (`INT64 TIMESTAMP`). */
  type: string;
  /** The canonical field it feeds, or null when the reader ignores it. */
  field: TripColumnField | null;
}

/** What {@linkcode inspectTripFile} reports. */
export interface TripFileInfo {
  /** Base name of the file. */
  sourceFile: string;
  /** Size in bytes. */
  bytes: number;
  /** Number of rows. */
  rows: number;
  /** Number of row groups (the reader's unit of memory). */
  rowGroups: number;
  /** The largest row group, in rows. */
  maxRowGroupRows: number;
  /** Trip type from the columns, the file name or the override. */
  tripType: TripType;
  /** Every top-level column, in file order. */
  columns: TripFileColumn[];
  /** Canonical fields with no column (read as null). */
  missing: TripColumnField[];
  /** The writer recorded in the footer. */
  createdBy: string | null;
}

/**
 * Reads the footer of `path` and reports its shape, cheaply.
 *
 * @param path The Parquet file.
 * @param options Optional trip type override.
 * @returns Rows, row groups, trip type and columns.
 * @throws {ChillFlowError} Like {@linkcode openTripFile}.
 *
 * @example
 * ```ts ignore
 * import { inspectTripFile } from "./inspect_trip_file.ts";
 * const info = await inspectTripFile("data/green_tripdata_2024-01.parquet");
 * console.log(info.rows); // 56551
 * ```
 */
export async function inspectTripFile(
  path: string,
  options: { tripType?: TripType } = {},
): Promise<TripFileInfo> {
  const { sourceFile, file, metadata, map } = await openTripFile(path, options);
  file.close();
  const fieldByName = new Map(map.columns.map((column) => [column.name, column.field]));
  const rowCounts = metadata.row_groups.map((group) => Number(group.num_rows));
  const topLevel = parquetSchema(metadata).children.map((child) => child.element);
  return {
    sourceFile,
    bytes: file.byteLength,
    rows: Number(metadata.num_rows),
    rowGroups: metadata.row_groups.length,
    maxRowGroupRows: Math.max(0, ...rowCounts),
    tripType: map.tripType,
    columns: topLevel.map((element) => ({
      name: element.name,
      type: [element.type ?? "group", element.logical_type?.type ?? element.converted_type]
        .filter(Boolean).join(" "),
      field: fieldByName.get(element.name) ?? null,
    })),
    missing: map.missing,
    createdBy: metadata.created_by ?? null,
  };
}
