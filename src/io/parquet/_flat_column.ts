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

/** A data page decoded, and how far into it reading has got. */
interface _Page {
  count: number;
  defs: Uint8Array | undefined;
  values: Values;
  indexes: Int32Array | undefined;
  /** Rows of the page read so far. */
  row: number;
  /** Values (non-null rows) of the page read so far. */
  value: number;
}

/**
 * Decodes a column chunk's pages in order, any number of rows at a time, so
 * that a row group can be read in batches: only the chunk's compressed bytes
 * and one page stay in memory, not the whole group's decoded column.
 */
export class FlatColumnReader {
  #bytes: Uint8Array;
  #column: FlatColumn;
  #optional: boolean;
  #reader: { view: DataView; offset: number };
  #dictionary: Values | undefined;
  #page: _Page | undefined;
  #rows = 0;

  /** Reads the chunk `bytes`; throws `Unsupported` for a column it does not decode. */
  constructor(bytes: Uint8Array, column: FlatColumn) {
    const { element } = column;
    if (element.repetition_type === "REPEATED") throw new Unsupported("repeated");
    if (
      element.converted_type &&
      !/^(UTF8|TIMESTAMP_MILLIS|TIMESTAMP_MICROS|INT_(8|16|32|64))$/.test(element.converted_type)
    ) {
      throw new Unsupported(element.converted_type);
    }
    if (element.logical_type?.type === "DECIMAL") throw new Unsupported("DECIMAL");
    this.#bytes = bytes;
    this.#column = column;
    this.#optional = element.repetition_type !== "REQUIRED";
    this.#reader = _reader(bytes);
  }

  /** Decodes the next `count` rows into `target[at..at + count)`. */
  read(target: Target, at: number, count: number): void {
    while (count > 0) {
      const page = this.#page ?? this.#nextPage();
      if (page === undefined) {
        throw new Error(`column chunk has ${this.#rows} values, expected ${this.#rows + count}`);
      }
      const n = Math.min(count, page.count - page.row);
      _scatter(target, at, n, page);
      if (page.row === page.count) this.#page = undefined;
      this.#rows += n;
      at += n;
      count -= n;
    }
  }

  /** Checks that no page was left half read: the chunk held more values than were read. */
  end(): void {
    if (this.#page !== undefined) {
      throw new Error(
        `column chunk has ${
          this.#rows + this.#page.count - this.#page.row
        } values, expected ${this.#rows}`,
      );
    }
  }

  #nextPage(): _Page | undefined {
    const bytes = this.#bytes, reader = this.#reader, column = this.#column;
    while (reader.offset < bytes.byteLength) {
      const header = parquetHeader(reader);
      const raw = bytes.subarray(reader.offset, reader.offset + header.compressed_page_size);
      reader.offset += header.compressed_page_size;
      if (header.type === "DICTIONARY_PAGE") {
        const page = decompressPage(
          raw,
          header.uncompressed_page_size,
          column.meta.codec,
          column.compressors,
        );
        const count = header.dictionary_page_header!.num_values;
        const values = readPlain(
          _reader(page),
          column.meta.type,
          count,
          column.element.type_length,
        );
        this.#dictionary = _convert(values, column, count);
      } else if (header.type === "DATA_PAGE" || header.type === "DATA_PAGE_V2") {
        this.#page = _dataPage(raw, header, column, this.#optional, this.#dictionary);
        if (this.#page.count > 0) return this.#page;
      } else {
        throw new Unsupported(header.type);
      }
    }
    this.#page = undefined;
    return undefined;
  }
}

function _dataPage(
  raw: Uint8Array,
  header: ReturnType<typeof parquetHeader>,
  column: FlatColumn,
  optional: boolean,
  dictionary: Values | undefined,
): _Page {
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
  return { count, defs, values: decoded, indexes, row: 0, value: 0 };
}

// Write the page's next n rows to target[at..): null where defs is 0, else the
// next value (through the dictionary when indexes are given). One function per
// target type keeps each loop monomorphic for the JIT.
function _scatter(target: Target, at: number, n: number, page: _Page): void {
  if (target instanceof Float64Array) _scatterNumbers(target, at, n, page);
  else _scatterStrings(target, at, n, page);
}

function _scatterNumbers(target: Float64Array, at: number, n: number, page: _Page): void {
  const { defs, indexes } = page;
  const values = page.values as Float64Array;
  if (!defs && !indexes && values.length === page.count) {
    target.set(values.subarray(page.row, page.row + n), at);
    page.row += n;
    page.value += n;
    return;
  }
  let k = page.value;
  for (let i = page.row, end = page.row + n; i < end; i++, at++) {
    if (defs !== undefined && defs[i] === 0) {
      target[at] = NaN;
      continue;
    }
    const index = indexes !== undefined ? indexes[k++]! : k++;
    if (index >= values.length) throw new Error(`dictionary index ${index} out of range`);
    target[at] = values[index]!;
  }
  page.row += n;
  page.value = k;
}

function _scatterStrings(target: (string | null)[], at: number, n: number, page: _Page): void {
  const { defs, indexes } = page;
  const values = page.values as (string | null)[];
  let k = page.value;
  for (let i = page.row, end = page.row + n; i < end; i++, at++) {
    if (defs !== undefined && defs[i] === 0) {
      target[at] = null;
      continue;
    }
    const index = indexes !== undefined ? indexes[k++]! : k++;
    if (index >= values.length) throw new Error(`dictionary index ${index} out of range`);
    target[at] = values[index]!;
  }
  page.row += n;
  page.value = k;
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
