/** downloadFile() logic with an injected fetch (no sockets); the loopback tests are in tests/integration/io. */
import assert from "node:assert/strict";
import { downloadFile } from "../../../../src/io/download/download_file.ts";
import { GREEN_2024_01 } from "../../../_support/fixtures.ts";

const sample: Uint8Array<ArrayBuffer> = await Deno.readFile(GREEN_2024_01);

function fakeFetch(handler: (range: string | null) => Response): typeof fetch {
  return ((_url: string | URL | Request, init?: RequestInit) => {
    const headers = new Headers(init?.headers);
    return Promise.resolve(handler(headers.get("range")));
  }) as typeof fetch;
}

Deno.test("downloadFile() renames a .part that the server says is already whole (416)", async () => {
  const dir = await Deno.makeTempDir({ prefix: "cf_dl_unit_" });
  try {
    const path = `${dir}/green_tripdata_2024-01.parquet`;
    await Deno.writeFile(`${path}.part`, sample);
    const ranges: (string | null)[] = [];
    const result = await downloadFile("http://example.invalid/x", path, {
      fetch: fakeFetch((range) => {
        ranges.push(range);
        return new Response(null, { status: 416 });
      }),
    });
    assert.deepEqual(ranges, [`bytes=${sample.length}-`]);
    assert.equal(result.status, "downloaded");
    assert.equal(result.bytes, sample.length);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("downloadFile() restarts when a 206 starts elsewhere than asked", async () => {
  const dir = await Deno.makeTempDir({ prefix: "cf_dl_unit_" });
  try {
    const path = `${dir}/g.parquet`;
    await Deno.writeFile(`${path}.part`, new Uint8Array(100).fill(7));
    const result = await downloadFile("http://example.invalid/x", path, {
      fetch: fakeFetch(() =>
        new Response(sample, {
          status: 206,
          headers: { "content-range": `bytes 0-${sample.length - 1}/${sample.length}` },
        })
      ),
    });
    assert.equal(result.status, "downloaded");
    assert.deepEqual(await Deno.readFile(path), sample);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("downloadFile() retries a short body and fails after the retries with a resumable part", async () => {
  const dir = await Deno.makeTempDir({ prefix: "cf_dl_unit_" });
  try {
    const path = `${dir}/g.parquet`;
    let calls = 0;
    const short = fakeFetch(() => {
      calls++;
      // Claims the whole file but never sends a byte.
      return new Response(new Uint8Array(0), {
        headers: { "content-length": String(sample.length) },
      });
    });
    await assert.rejects(
      () =>
        downloadFile("http://example.invalid/x", path, {
          fetch: short,
          retries: 2,
          retryDelayMs: 1,
        }),
      /Cannot download "g\.parquet": connection ended after 0 of 1362284 bytes; run the download again to resume/,
    );
    assert.equal(calls, 3);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("downloadFile() aborted mid-body reports the interruption and keeps the bytes for a resume", async () => {
  const dir = await Deno.makeTempDir({ prefix: "cf_dl_unit_" });
  try {
    const path = `${dir}/g.parquet`;
    const abort = new AbortController();
    const half = sample.subarray(0, 1000);
    const sendsHalfThenHangs = ((_url: string | URL | Request, init?: RequestInit) => {
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(half);
          init?.signal?.addEventListener("abort", () => controller.error(init.signal!.reason));
        },
      });
      return Promise.resolve(
        new Response(body, { headers: { "content-length": String(sample.length) } }),
      );
    }) as typeof fetch;
    await assert.rejects(
      () =>
        downloadFile("http://example.invalid/x", path, {
          fetch: sendsHalfThenHangs,
          signal: abort.signal,
          retryDelayMs: 1,
          onProgress: (received) => received === half.length && abort.abort(),
        }),
      (e: unknown) =>
        e instanceof Error &&
        e.message === `Cannot download "g.parquet": interrupted with 1000 bytes kept in ` +
            `"${path}.part"; run the download again to resume`,
    );
    assert.deepEqual(await Deno.readFile(`${path}.part`), half);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
