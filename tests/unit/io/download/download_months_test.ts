import assert from "node:assert/strict";
import { downloadMonths } from "../../../../src/io/download/download_months.ts";
import { GREEN_2024_01 } from "../../../_support/fixtures.ts";
import { ChillFlowError } from "../../../../src/errors.ts";

Deno.test("downloadMonths() fetches each month's URL into the folder, in order", async () => {
  const sample: Uint8Array<ArrayBuffer> = await Deno.readFile(GREEN_2024_01);
  const dir = await Deno.makeTempDir({ prefix: "cf_months_" });
  try {
    const urls: string[] = [];
    const files: string[] = [];
    const months = await downloadMonths({
      tripType: "yellow",
      from: "2023-12",
      to: "2024-01",
      dir: `${dir}/nested/`,
      baseUrl: "https://mirror.invalid/trip-data/",
      fetch: ((url: string) => {
        urls.push(url);
        return Promise.resolve(new Response(sample));
      }) as typeof fetch,
      onFile: (file) => files.push(file),
    });
    assert.deepEqual(urls, [
      "https://mirror.invalid/trip-data/yellow_tripdata_2023-12.parquet",
      "https://mirror.invalid/trip-data/yellow_tripdata_2024-01.parquet",
    ]);
    assert.deepEqual(files, ["yellow_tripdata_2023-12.parquet", "yellow_tripdata_2024-01.parquet"]);
    assert.deepEqual(months.map((m) => [m.period, m.status, m.path]), [
      ["2023-12", "downloaded", `${dir}/nested/yellow_tripdata_2023-12.parquet`],
      ["2024-01", "downloaded", `${dir}/nested/yellow_tripdata_2024-01.parquet`],
    ]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("downloadMonths() that fails names the months complete before it, and folders in the way", async () => {
  const sample: Uint8Array<ArrayBuffer> = await Deno.readFile(GREEN_2024_01);
  const dir = await Deno.makeTempDir({ prefix: "cf_months_" });
  try {
    const fetch = ((url: string) =>
      Promise.resolve(
        url.endsWith("2024-02.parquet")
          ? new Response("gone", { status: 404 })
          : new Response(sample),
      )) as typeof globalThis.fetch;
    const months = { tripType: "green" as const, dir, fetch };
    await assert.rejects(
      () => downloadMonths({ ...months, from: "2023-12", to: "2024-02" }),
      (error: unknown) => {
        assert.ok(error instanceof ChillFlowError);
        assert.equal(error.code, "CF_DOWNLOAD");
        assert.match(
          error.message,
          /^Cannot download "green_tripdata_2024-02\.parquet": not found .* \(complete before it: green_tripdata_2023-12\.parquet, green_tripdata_2024-01\.parquet\)$/,
        );
        return true;
      },
    );
    await Deno.mkdir(`${dir}/green_tripdata_2024-03.parquet.part`);
    await assert.rejects(
      () => downloadMonths({ ...months, from: "2024-03" }),
      /green_tripdata_2024-03\.parquet\.part" is a folder; move it away$/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
