import assert from "node:assert/strict";
import { hasParquetMagic } from "../../../../src/io/download/parquet_magic.ts";
import { GREEN_2024_01 } from "../../../_support/fixtures.ts";

Deno.test("hasParquetMagic() accepts a whole file and refuses cut, short, foreign or missing ones", async () => {
  const dir = await Deno.makeTempDir({ prefix: "cf_magic_" });
  try {
    const bytes = await Deno.readFile(GREEN_2024_01);
    assert.equal(await hasParquetMagic(GREEN_2024_01), true);
    await Deno.writeFile(`${dir}/cut.parquet`, bytes.subarray(0, bytes.length - 1));
    assert.equal(await hasParquetMagic(`${dir}/cut.parquet`), false);
    await Deno.writeTextFile(`${dir}/short.parquet`, "PAR1PAR1");
    assert.equal(await hasParquetMagic(`${dir}/short.parquet`), false);
    await Deno.writeTextFile(`${dir}/csv.parquet`, "a,b\n1,2\n3,4\nPAR1");
    assert.equal(await hasParquetMagic(`${dir}/csv.parquet`), false);
    assert.equal(await hasParquetMagic(`${dir}/none.parquet`), false);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
