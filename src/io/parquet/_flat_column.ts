// A direct decoder for the flat (non-nested) column chunks TLC files consist
// of. hyparquet's generic path assembles every value into a JS array (one
// boxed value per row, then a second copy in our Float64Array); this one
// decodes pages straight into the target column. It covers PLAIN and
// dictionary pages (v1 and v2) of INT32/INT64/FLOAT/DOUBLE/BYTE_ARRAY; for
// anything else it throws `Unsupported` and the caller uses hyparquet's path.
import type { ColumnMetaData, Compressors, DecodedArray, SchemaElement } from "hyparquet";
import { parquetHeader } from "hyparquet/src/column.js";
import { decompressPage } from "hyparquet/src/datapage.js";
import { readRleBitPackedHybrid } from "hyparquet/src/encoding.js";
import { readPlain } from "hyparquet/src/plain.js";
import type { ColumnKind } from "./column_map.ts";
import { fillNumeric } from "./fill_column.ts";

/** Thrown for a column this decoder does not handle; the caller falls back. */
export class Unsupported extends Error {}

/** What the decoder needs to know about a column chunk. */
export interface FlatColumn {
  /** The column's schema element (type and annotations). */
  element: SchemaElement;
  /** The chunk's metadata (physical type, codec). */
  meta: ColumnMetaData;
  /** How values are decoded. */
  kind: ColumnKind;
  /** Decompressors by codec. */
  compressors: Compressors;
}

type Target = Float64Array | (string | null)[];
type Values = Float64Array | (string | null)[];

const decoder = new TextDecoder();

/** Decodes the chunk `bytes` (all its pages) into `target[0..rows)`. */
export function decodeFlatColumn(
  bytes: Uint8Array,
  column: FlatColumn,
  target: Target,
  rows: number,
): void {
  const { element, meta } = column;
  if (element.repetition_type === "REPEATED") throw new Unsupported("repeated");
  if (
    element.converted_type &&
    !/^(UTF8|TIMESTAMP_MILLIS|TIMESTAMP_MICROS|INT_(8|16|32|64))$/.test(element.converted_type)
  ) {
    throw new Unsupported(element.converted_type);
  }
  const optional = element.repetition_type !== "REQUIRED";
  const reader = {
    view: new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength),
    offset: 0,
  };
  let dictionary: Values | undefined;
  let row = 0;
  while (row < rows && reader.offset < bytes.byteLength) {
    const header = parquetHeader(reader);
    const raw = bytes.subarray(reader.offset, reader.offset + header.compressed_page_size);
    reader.offset += header.compressed_page_size;
    if (header.type === "DICTIONARY_PAGE") {
      const page = decompressPage(
        raw,
        header.uncompressed_page_size,
        meta.codec,
        column.compressors,
      );
      const count = header.dictionary_page_header!.num_values;
      const values = readPlain(_reader(page), meta.type, count, element.type_length);
      dictionary = _convert(values, column, count);
    } else if (header.type === "DATA_PAGE" || header.type === "DATA_PAGE_V2") {
      row += _dataPage(raw, header, column, optional, dictionary, target, row);
    } else {
      throw new Unsupported(header.type);
    }
  }
  if (row !== rows) throw new Error(`column chunk has ${row} values, expected ${rows}`);
}

function _dataPage(
  raw: Uint8Array,
  header: ReturnType<typeof parquetHeader>,
  column: FlatColumn,
  optional: boolean,
  dictionary: Values | undefined,
  target: Target,
  row: number,
): number {
  let count: number, encoding: string, defs: Uint8Array | undefined, values: Uint8Array;
  if (header.type === "DATA_PAGE") {
    const daph = header.data_page_header!;
    count = daph.num_values;
    encoding = daph.encoding;
    const page = decompressPage(
      raw,
      header.uncompressed_page_size,
      column.meta.codec,
      column.compressors,
    );
    const reader = _reader(page);
    if (optional) {
      defs = new Uint8Array(count);
      readRleBitPackedHybrid(reader, 1, defs);
    }
    values = page.subarray(reader.offset);
  } else {
    const v2 = header.data_page_header_v2!;
    if (v2.repetition_levels_byte_length) throw new Unsupported("repetition levels");
    count = v2.num_values;
    encoding = v2.encoding;
    const levels = v2.definition_levels_byte_length;
    if (optional) {
      defs = new Uint8Array(count);
      readRleBitPackedHybrid(_reader(raw), 1, defs, levels);
    }
    values = raw.subarray(levels);
    if (v2.is_compressed !== false) {
      values = decompressPage(
        values,
        header.uncompressed_page_size - levels,
        column.meta.codec,
        column.compressors,
      );
    }
  }
  let present = count;
  if (defs) { for (let i = 0; i < count; i++) present -= 1 - defs[i]!; }
  let decoded: Values;
  let indexes: Int32Array | undefined;
  if (encoding === "PLAIN") {
    decoded = _convert(
      readPlain(_reader(values), column.meta.type, present, column.element.type_length),
      column,
      present,
    );
  } else if (encoding === "RLE_DICTIONARY" || encoding === "PLAIN_DICTIONARY") {
    if (!dictionary) throw new Error("dictionary page missing");
    decoded = dictionary;
    indexes = new Int32Array(present);
    if (present > 0) {
      const reader = _reader(values);
      const width = values[reader.offset++]!;
      readRleBitPackedHybrid(reader, width, indexes, values.length - 1);
    }
  } else {
    throw new Unsupported(encoding);
  }
  _scatter(target, row, count, defs, decoded, indexes);
  return count;
}

// Write count rows from row: null where defs is 0, else the next value
// (through the dictionary when indexes are given). One function per target
// type keeps each loop monomorphic for the JIT.
function _scatter(
  target: Target,
  row: number,
  count: number,
  defs: Uint8Array | undefined,
  values: Values,
  indexes: Int32Array | undefined,
): void {
  if (target instanceof Float64Array) {
    _scatterNumbers(target, row, count, defs, values as Float64Array, indexes);
  } else _scatterStrings(target, row, count, defs, values as (string | null)[], indexes);
}

function _scatterNumbers(
  target: Float64Array,
  row: number,
  count: number,
  defs: Uint8Array | undefined,
  values: Float64Array,
  indexes: Int32Array | undefined,
): void {
  if (!defs && !indexes && values.length === count) {
    target.set(values, row);
    return;
  }
  let k = 0;
  for (let i = 0; i < count; i++) {
    if (defs !== undefined && defs[i] === 0) {
      target[row + i] = NaN;
      continue;
    }
    const index = indexes !== undefined ? indexes[k++]! : k++;
    if (index >= values.length) throw new Error(`dictionary index ${index} out of range`);
    target[row + i] = values[index]!;
  }
}

function _scatterStrings(
  target: (string | null)[],
  row: number,
  count: number,
  defs: Uint8Array | undefined,
  values: (string | null)[],
  indexes: Int32Array | undefined,
): void {
  let k = 0;
  for (let i = 0; i < count; i++) {
    if (defs !== undefined && defs[i] === 0) {
      target[row + i] = null;
      continue;
    }
    const index = indexes !== undefined ? indexes[k++]! : k++;
    if (index >= values.length) throw new Error(`dictionary index ${index} out of range`);
    target[row + i] = values[index]!;
  }
}

function _convert(values: DecodedArray, column: FlatColumn, count: number): Values {
  if (count === 0) return column.kind === "string" ? [] : new Float64Array(0);
  if (column.kind === "string") {
    if (column.meta.type !== "BYTE_ARRAY") throw new Unsupported("non-text string");
    return Array.from(values as Uint8Array[], (bytes) => decoder.decode(bytes));
  }
  const out = new Float64Array(count);
  if (column.kind === "number") {
    if (
      values instanceof BigInt64Array || values instanceof Float64Array ||
      values instanceof Int32Array || values instanceof Float32Array
    ) {
      fillNumeric(out, 0, values);
      return out;
    }
    throw new Unsupported(column.meta.type);
  }
  if (!(values instanceof BigInt64Array)) throw new Unsupported("timestamp " + column.meta.type);
  const words = new Int32Array(values.buffer, values.byteOffset, count * 2);
  const unit = _unit(column.element);
  for (let i = 0; i < count; i++) out[i] = _millis(words[2 * i + 1]!, words[2 * i]! >>> 0, unit);
  return out;
}

// Exact floor(value / unit) of the int64 high * 2^32 + low, in doubles:
// 2^32 = 4294967 * 1000 + 296 = 4294 * 10^6 + 967296, so no term exceeds 2^53.
function _millis(high: number, low: number, unit: "MILLIS" | "MICROS" | "NANOS"): number {
  if (unit === "MILLIS") return high * 4294967296 + low;
  if (unit === "MICROS") return high * 4294967 + Math.floor((high * 296 + low) / 1000);
  return high * 4294 + Math.floor((high * 967296 + low) / 1e6);
}

function _unit(element: SchemaElement): "MILLIS" | "MICROS" | "NANOS" {
  if (element.logical_type?.type === "TIMESTAMP") return element.logical_type.unit;
  if (element.converted_type === "TIMESTAMP_MILLIS") return "MILLIS";
  if (element.converted_type === "TIMESTAMP_MICROS") return "MICROS";
  throw new Unsupported("timestamp without unit");
}

function _reader(bytes: Uint8Array): { view: DataView; offset: number } {
  return { view: new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), offset: 0 };
}
