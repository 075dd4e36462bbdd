/**
 * Opens a TLC Parquet file: checks it is whole Parquet, reads only its footer
 * and maps its columns. Shared by the reader and by `inspectTripFile`.
 *
 * @module
 */
import {
  type FileMetaData,
  parquetMetadataAsync,
  parquetSchema,
  type SchemaElement,
} from "hyparquet";
import type { TripType } from "../../../schemas/raw_trip.ts";
import { ChillFlowError } from "../../errors.ts";
import { basename } from "./_path.ts";
import { mapTripColumns, type TripColumnMap } from "./column_map.ts";
import { type FileBuffer, openFileBuffer } from "./file_buffer.ts";
import { NAIVE_TIMESTAMP_PARSERS } from "./timestamp.ts";

const MAGIC = 0x31524150; // "PAR1" read as little-endian uint32

/** An open, validated trip file. Close it with `file.close()`. */
export interface OpenTripFile {
  /** Base name of the file. */
  sourceFile: string;
  /** Ranged access to the file's bytes. */
  file: FileBuffer;
  /** The parsed footer. */
  metadata: FileMetaData;
  /** Which columns feed which canonical fields, and the trip type. */
  map: TripColumnMap;
  /** The top-level schema elements by column name. */
  elements: Map<string, SchemaElement>;
}

/** Options of {@linkcode openTripFile}. */
export interface OpenTripFileOptions {
  /** The trip type, for a file whose columns and name do not tell; a contradiction is `CF_USAGE`. */
  tripType?: TripType;
}

/**
 * Opens `path`, checks the `PAR1` magic at both ends, parses the footer and
 * maps the columns.
 *
 * @param path The Parquet file.
 * @param options Trip type override.
 * @returns The open file; the caller closes `file`.
 * @throws {ChillFlowError} `CF_INPUT_FILE` for a missing, empty, truncated or
 * non-Parquet file; `CF_PARQUET_SCHEMA` when the columns are not a trip file.
 *
 * @example
 * ```ts ignore
 * import { openTripFile } from "./open_trip_file.ts";
 * const trip = await openTripFile("data/green_tripdata_2024-01.parquet");
 * console.log(trip.map.tripType); // "green"
 * trip.file.close();
 * ```
 */
export async function openTripFile(
  path: string,
  options: OpenTripFileOptions = {},
): Promise<OpenTripFile> {
  const sourceFile = basename(path);
  const file = await openFileBuffer(path);
  try {
    await _checkMagic(file, sourceFile);
    let metadata: FileMetaData;
    try {
      metadata = await parquetMetadataAsync(file, { parsers: NAIVE_TIMESTAMP_PARSERS });
    } catch (error) {
      throw _inputError(sourceFile, `Parquet footer is corrupt (${_message(error)})`, error);
    }
    const topLevel = parquetSchema(metadata).children.map((child) => child.element);
    const map = mapTripColumns(topLevel, { fileName: sourceFile, tripType: options.tripType });
    const elements = new Map(topLevel.map((element) => [element.name, element]));
    return { sourceFile, file, metadata, map, elements };
  } catch (error) {
    file.close();
    throw error;
  }
}

async function _checkMagic(file: FileBuffer, name: string): Promise<void> {
  if (file.byteLength === 0) throw _inputError(name, "file is empty");
  const headLength = Math.min(4, file.byteLength);
  const head = new DataView(await file.slice(0, headLength));
  if (headLength < 4 || head.getUint32(0, true) !== MAGIC) {
    throw _inputError(name, "not a Parquet file (no PAR1 magic at the start)");
  }
  if (file.byteLength < 12) throw _inputError(name, "file is truncated (too short for Parquet)");
  const tail = new DataView(await file.slice(file.byteLength - 4));
  if (tail.getUint32(0, true) !== MAGIC) {
    throw _inputError(name, "file is truncated (no PAR1 magic at the end)");
  }
}

function _inputError(name: string, detail: string, cause?: unknown): ChillFlowError {
  return new ChillFlowError("CF_INPUT_FILE", `Cannot read "${name}": ${detail}`, { cause });
}

function _message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
