/** Every kind of bad input file gets one ChillFlowError line that names the file. */
import assert from "node:assert/strict";
import { ChillFlowError, type ErrorCode } from "../../../../src/errors.ts";
import { inspectTripFile } from "../../../../src/io/parquet/inspect_trip_file.ts";
import { readTripBatches } from "../../../../src/io/parquet/read_trip_batches.ts";
import { GREEN_2024_01 } from "../../../_support/fixtures.ts";
import { fixtureBytes, taxiColumns } from "../../../_support/parquet_fixtures.ts";

const dir = await Deno.makeTempDir({ prefix: "cf_parquet_bad_" });
globalThis.addEventListener("unload", () => Deno.removeSync(dir, { recursive: true }));

async function drain(path: string): Promise<void> {
  for await (const _ of readTripBatches(path)) { /* read everything */ }
}

async function assertFails(path: string, code: ErrorCode, detail: RegExp): Promise<void> {
  const name = path.split("/").at(-1)!;
  for (const attempt of [() => drain(path), () => inspectTripFile(path)]) {
    await assert.rejects(attempt, (error: unknown) => {
      assert.ok(error instanceof ChillFlowError, `expected ChillFlowError, got ${error}`);
      assert.equal(error.code, code);
      assert.ok(error.message.startsWith(`Cannot read "${name}": `), error.message);
      assert.match(error.message, detail);
      assert.ok(!error.message.includes("\n"), "one line");
      return true;
    });
  }
}

Deno.test("readTripBatches() names a missing file", async () => {
  await assertFails(`${dir}/green_tripdata_2099-01.parquet`, "CF_INPUT_FILE", /file not found/);
});

Deno.test("readTripBatches() rejects a directory", async () => {
  await Deno.mkdir(`${dir}/folder.parquet`);
  await assertFails(`${dir}/folder.parquet`, "CF_INPUT_FILE", /not a regular file/);
});

Deno.test("readTripBatches() rejects an empty file", async () => {
  await Deno.writeFile(`${dir}/empty.parquet`, new Uint8Array());
  await assertFails(`${dir}/empty.parquet`, "CF_INPUT_FILE", /file is empty/);
});

Deno.test("readTripBatches() rejects a CSV named .parquet", async () => {
  await Deno.writeTextFile(`${dir}/csv.parquet`, "VendorID,tpep_pickup_datetime\n1,2024-01-01\n");
  await assertFails(`${dir}/csv.parquet`, "CF_INPUT_FILE", /not a Parquet file/);
});

Deno.test("readTripBatches() rejects a file shorter than the magic", async () => {
  await Deno.writeTextFile(`${dir}/tiny.parquet`, "PA");
  await assertFails(`${dir}/tiny.parquet`, "CF_INPUT_FILE", /not a Parquet file/);
});

Deno.test("readTripBatches() rejects a truncated real file", async () => {
  const bytes = await Deno.readFile(GREEN_2024_01);
  await Deno.writeFile(`${dir}/cut.parquet`, bytes.subarray(0, 700_000));
  await assertFails(`${dir}/cut.parquet`, "CF_INPUT_FILE", /truncated/);
});

Deno.test("readTripBatches() rejects a file whose footer is garbage", async () => {
  const bytes = fixtureBytes(taxiColumns(10));
  const broken = bytes.slice();
  const footerLength = new DataView(broken.buffer).getUint32(broken.length - 8, true);
  broken.fill(0xff, broken.length - 8 - footerLength, broken.length - 8);
  await Deno.writeFile(`${dir}/footer.parquet`, broken);
  await assertFails(`${dir}/footer.parquet`, "CF_INPUT_FILE", /footer is corrupt/);
});

Deno.test("readTripBatches() rejects a file whose data pages are garbage", async () => {
  const bytes = fixtureBytes(taxiColumns(200));
  const broken = bytes.slice();
  broken.fill(0xee, 4, 600); // first column chunks, footer intact
  await Deno.writeFile(`${dir}/pages.parquet`, broken);
  await assert.rejects(() => drain(`${dir}/pages.parquet`), (error: unknown) => {
    assert.ok(error instanceof ChillFlowError);
    assert.equal(error.code, "CF_INPUT_FILE");
    assert.match(error.message, /^Cannot read "pages\.parquet": (row group 0 is corrupt|column)/);
    return true;
  });
});

Deno.test("readTripBatches() rejects a Parquet file without taxi columns", async () => {
  await Deno.writeFile(
    `${dir}/yellow_tripdata_2024-01.parquet`,
    fixtureBytes([{
      name: "city",
      element: { type: "BYTE_ARRAY", converted_type: "UTF8" },
      data: ["NYC"],
    }]),
  );
  await assertFails(
    `${dir}/yellow_tripdata_2024-01.parquet`,
    "CF_PARQUET_SCHEMA",
    /no pickup\/dropoff columns/,
  );
});

Deno.test("readTripBatches() rejects timestamps stored as text", async () => {
  const columns = taxiColumns(2).map((c) =>
    c.name === "tpep_pickup_datetime"
      ? {
        ...c,
        element: { type: "BYTE_ARRAY" as const, converted_type: "UTF8" as const },
        data: ["a", "b"],
      }
      : c
  );
  await Deno.writeFile(`${dir}/text_ts.parquet`, fixtureBytes(columns));
  await assertFails(
    `${dir}/text_ts.parquet`,
    "CF_PARQUET_SCHEMA",
    /"tpep_pickup_datetime" has type "BYTE_ARRAY/,
  );
});

Deno.test("readTripBatches() rejects two spellings of one column", async () => {
  const fee = { element: { type: "DOUBLE" as const }, data: [1, 2] };
  const columns = [...taxiColumns(2), { name: "airport_fee", ...fee }, {
    name: "Airport_fee",
    ...fee,
  }];
  await Deno.writeFile(`${dir}/twice.parquet`, fixtureBytes(columns));
  await assertFails(`${dir}/twice.parquet`, "CF_PARQUET_SCHEMA", /both map to airport_fee/);
});
