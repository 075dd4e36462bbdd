import assert from "node:assert/strict";
import { ChillFlowError } from "../../../../src/errors.ts";
import { openFileBuffer } from "../../../../src/io/parquet/file_buffer.ts";

Deno.test("openFileBuffer() serves concurrent ranged reads correctly", async () => {
  const dir = await Deno.makeTempDir({ prefix: "cf_buffer_" });
  try {
    const bytes = Uint8Array.from({ length: 10_000 }, (_, i) => i % 251);
    await Deno.writeFile(`${dir}/b.bin`, bytes);
    await using file = await openFileBuffer(`${dir}/b.bin`);
    assert.equal(file.byteLength, 10_000);
    const ranges = [[0, 10], [9_990, 10_000], [5_000, 5_100], [123, 4_567]] as const;
    const slices = await Promise.all(ranges.map(([a, b]) => file.slice(a, b)));
    slices.forEach((slice, i) => {
      const [a, b] = ranges[i]!;
      assert.deepEqual(new Uint8Array(slice), bytes.subarray(a, b));
    });
    assert.equal((await file.slice(9_000)).byteLength, 1_000);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("openFileBuffer() reports a missing file as CF_INPUT_FILE with its name", async () => {
  await assert.rejects(
    () => openFileBuffer("/nonexistent/dir/yellow_tripdata_2024-01.parquet"),
    (error: unknown) =>
      error instanceof ChillFlowError && error.code === "CF_INPUT_FILE" &&
      error.message === 'Cannot read "yellow_tripdata_2024-01.parquet": file not found',
  );
});
