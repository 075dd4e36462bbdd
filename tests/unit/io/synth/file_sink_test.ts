import assert from "node:assert/strict";
import { ParquetWriter } from "hyparquet-writer";
import { inspectTripFile } from "../../../../src/io/parquet/inspect_trip_file.ts";
import { FileSink } from "../../../../src/io/synth/file_sink.ts";
import { fixtureBytes, taxiColumns } from "../../../_support/parquet_fixtures.ts";

Deno.test("FileSink streams row groups to disk: the file equals an in-memory write", async () => {
  const dir = await Deno.makeTempDir({ prefix: "cf_sink_" });
  try {
    const columns = taxiColumns(500);
    const path = `${dir}/yellow.parquet`;
    const sink = new FileSink(await Deno.open(path, { write: true, create: true }));
    const writer = new ParquetWriter({
      writer: sink,
      statistics: false,
      schema: [
        { name: "schema", num_children: columns.length },
        ...columns.map((c) => ({
          name: c.name,
          repetition_type: "OPTIONAL" as const,
          ...c.element,
        })),
      ],
    });
    for (let start = 0; start < 500; start += 200) {
      await writer.write({
        columnData: columns.map((c) => ({
          name: c.name,
          data: c.data.slice(start, start + 200) as never,
        })),
        rowGroupSize: 200,
      });
      assert.equal(sink.index, 0, "flushed after each row group");
    }
    await writer.finish();
    assert.deepEqual(await Deno.readFile(path), fixtureBytes(columns, { rowGroupSize: 200 }));
    assert.equal((await inspectTripFile(path)).rowGroups, 3);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
