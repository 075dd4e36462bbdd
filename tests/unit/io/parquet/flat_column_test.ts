/**
 * The direct page decoder agrees with hyparquet's generic path on every
 * column of the real files and of generated files (v2 pages, PLAIN and
 * dictionary, every timestamp unit, nulls).
 */
import assert from "node:assert/strict";
import { parquetMetadataAsync, parquetRead, parquetSchema } from "hyparquet";
import { compressors } from "hyparquet-compressors";
import { mapTripColumns } from "../../../../src/io/parquet/column_map.ts";
import { openFileBuffer } from "../../../../src/io/parquet/file_buffer.ts";
import { fillNumeric, fillStrings } from "../../../../src/io/parquet/fill_column.ts";
import {
  type FlatColumn,
  FlatColumnReader,
  Unsupported,
} from "../../../../src/io/parquet/_flat_column.ts";
import { NAIVE_TIMESTAMP_PARSERS } from "../../../../src/io/parquet/timestamp.ts";
import { GREEN_2023_12, GREEN_2024_01, YELLOW_SAMPLE } from "../../../_support/fixtures.ts";
import { taxiColumns, writeFixture } from "../../../_support/parquet_fixtures.ts";

/** Decodes a whole chunk (all its pages) into `target[0..rows)`, exactly `rows` values. */
function decodeChunk(
  bytes: Uint8Array,
  column: FlatColumn,
  target: Float64Array | (string | null)[],
  rows: number,
): void {
  const reader = new FlatColumnReader(bytes, column);
  reader.read(target, 0, rows);
  reader.end();
}

async function compareAll(path: string): Promise<{ fast: number; fallback: number }> {
  await using file = await openFileBuffer(path);
  const metadata = await parquetMetadataAsync(file, { parsers: NAIVE_TIMESTAMP_PARSERS });
  const elements = parquetSchema(metadata).children.map((c) => c.element);
  const map = mapTripColumns(elements, { fileName: path.split("/").at(-1)! });
  let fast = 0, fallback = 0, groupStart = 0;
  for (const group of metadata.row_groups) {
    const rows = Number(group.num_rows);
    for (const column of map.columns) {
      const meta = group.columns.find((c) => c.meta_data!.path_in_schema[0] === column.name)!
        .meta_data!;
      const element = elements.find((e) => e.name === column.name)!;
      const strings = column.kind === "string";
      const expected: Float64Array | (string | null)[] = strings
        ? new Array(rows).fill(null)
        : new Float64Array(rows);
      await parquetRead({
        file,
        metadata,
        columns: [column.name],
        rowStart: groupStart,
        rowEnd: groupStart + rows,
        compressors,
        parsers: NAIVE_TIMESTAMP_PARSERS,
        onChunk: (chunk) =>
          strings
            ? fillStrings(
              expected as (string | null)[],
              chunk.rowStart - groupStart,
              chunk.columnData,
            )
            : fillNumeric(expected as Float64Array, chunk.rowStart - groupStart, chunk.columnData),
      });
      const actual: Float64Array | (string | null)[] = strings
        ? new Array(rows).fill("?")
        : new Float64Array(rows).fill(-1);
      const start = Number(meta.dictionary_page_offset || meta.data_page_offset);
      const bytes = new Uint8Array(
        await file.slice(start, start + Number(meta.total_compressed_size)),
      );
      try {
        decodeChunk(bytes, { element, meta, kind: column.kind, compressors }, actual, rows);
        fast++;
      } catch (error) {
        if (!(error instanceof Unsupported)) throw error;
        fallback++;
        continue;
      }
      assert.deepEqual(actual, expected, `${path} column ${column.name}`);
    }
    groupStart += rows;
  }
  return { fast, fallback };
}

for (const path of [GREEN_2024_01, GREEN_2023_12, YELLOW_SAMPLE]) {
  Deno.test(`FlatColumnReader matches hyparquet on every column of ${path.split("/").at(-1)}`, async () => {
    const { fast, fallback } = await compareAll(path);
    assert.equal(fallback, 0, "real TLC columns all take the fast path");
    assert.ok(fast >= 19);
  });
}

Deno.test("FlatColumnReader matches hyparquet on v2 pages in every unit and falls back on INT96", async () => {
  const dir = await Deno.makeTempDir({ prefix: "cf_flat_" });
  try {
    for (const unit of ["MILLIS", "MICROS", "NANOS", "INT96"] as const) {
      const path = `${dir}/${unit}.parquet`;
      // Small pages: a chunk of many, as in real files.
      await writeFixture(path, taxiColumns(3_000, { unit }), {
        rowGroupSize: 1_100,
        pageSize: 512,
      });
      const { fast, fallback } = await compareAll(path);
      assert.equal(fallback, unit === "INT96" ? 6 : 0, unit);
      assert.equal(fast + fallback, 27);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("FlatColumnReader converts pre-epoch and far timestamps exactly", async () => {
  const dir = await Deno.makeTempDir({ prefix: "cf_flat_ts_" });
  try {
    const stamps = [
      -1n,
      -999_999n,
      -86_400_000_000_001n,
      0n,
      2n ** 62n,
      -(2n ** 62n),
      1_704_070_015_123_456n,
    ];
    for (
      const [unit, divisor] of [["MICROS", 1_000n], ["NANOS", 1_000_000n], ["MILLIS", 1n]] as const
    ) {
      const columns = taxiColumns(stamps.length, { unit });
      columns[1]!.data = stamps.map((s) => (unit === "MILLIS" ? s / 1_000n : s));
      const path = `${dir}/${unit}.parquet`;
      await writeFixture(path, columns);
      await using file = await openFileBuffer(path);
      const metadata = await parquetMetadataAsync(file);
      const meta = metadata.row_groups[0]!.columns[1]!.meta_data!;
      const element = metadata.schema[2]!;
      const start = Number(meta.dictionary_page_offset || meta.data_page_offset);
      const bytes = new Uint8Array(
        await file.slice(start, start + Number(meta.total_compressed_size)),
      );
      const out = new Float64Array(stamps.length);
      decodeChunk(
        bytes,
        { element, meta, kind: "timestamp", compressors },
        out,
        stamps.length,
      );
      const floor = (v: bigint, d: bigint) => Number(v / d - (v % d < 0n ? 1n : 0n));
      const stored = stamps.map((s) => (unit === "MILLIS" ? s / 1_000n : s));
      assert.deepEqual([...out], stored.map((s) => floor(s, divisor)), unit);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
