/** downloadFile() logic with an injected fetch (no sockets); the loopback tests are in tests/integration/io. */
import assert from "node:assert/strict";
import { downloadFile } from "../../../../src/io/download/download_file.ts";
import { exists, GREEN_2023_12, GREEN_2024_01, withTempDir } from "../../../_support/fixtures.ts";

const sample: Uint8Array<ArrayBuffer> = await Deno.readFile(GREEN_2024_01);

function fakeFetch(handler: (range: string | null) => Response): typeof fetch {
  return ((_url: string | URL | Request, init?: RequestInit) => {
    const headers = new Headers(init?.headers);
    return Promise.resolve(handler(headers.get("range")));
  }) as typeof fetch;
}

const withDir = (fn: (dir: string) => Promise<void>) => withTempDir("cf_dl_unit_", fn);

Deno.test("downloadFile() renames a .part that the server says is already whole (416)", () =>
  withDir(async (dir) => {
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
    assert.equal(result.status, "resumed");
    assert.equal(result.bytes, sample.length);
  }));

Deno.test("downloadFile() restarts when a 206 starts elsewhere than asked", () =>
  withDir(async (dir) => {
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
  }));

Deno.test("downloadFile() retries a short body and fails after the retries with a resumable part", () =>
  withDir(async (dir) => {
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
  }));

Deno.test("downloadFile() aborted mid-body reports the interruption and keeps the bytes for a resume", () =>
  withDir(async (dir) => {
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
  }));

/** A server of `versions` in turn (one per request), each a whole file with its ETag; it honours Range and If-Range. */
function versionedServer(versions: Uint8Array<ArrayBuffer>[], sent: Headers[]): typeof fetch {
  let request = 0;
  return ((_url: string | URL | Request, init?: RequestInit) => {
    const headers = new Headers(init?.headers);
    sent.push(headers);
    const at = Math.min(request++, versions.length - 1);
    const body = versions[at]!, etag = `"v${at}"`;
    const range = /^bytes=(\d+)-$/.exec(headers.get("range") ?? "");
    const ifRange = headers.get("if-range");
    if (range && (ifRange === null || ifRange === etag)) {
      const from = Number(range[1]);
      if (from >= body.length) {
        return Promise.resolve(
          new Response(null, {
            status: 416,
            headers: { "content-range": `bytes */${body.length}` },
          }),
        );
      }
      return Promise.resolve(
        new Response(body.subarray(from), {
          status: 206,
          headers: { etag, "content-range": `bytes ${from}-${body.length - 1}/${body.length}` },
        }),
      );
    }
    return Promise.resolve(new Response(body, { headers: { etag } }));
  }) as typeof fetch;
}

Deno.test("downloadFile() starts again when the server's file changed since the .part began (If-Range)", () =>
  withDir(async (dir) => {
    const path = `${dir}/g.parquet`;
    const other = await Deno.readFile(GREEN_2023_12);
    // The first response is cut short; the server then has another version of the file.
    const sent: Headers[] = [];
    const serve = versionedServer([other, sample], sent);
    const cut: typeof fetch = (async (url: string | URL | Request, init?: RequestInit) => {
      const response = await serve(url, init);
      if (sent.length > 1) return response;
      // Cut after 5,000 bytes, with no length to tell: only the missing PAR1 end does.
      const head = new Uint8Array(await response.arrayBuffer()).subarray(0, 5_000);
      return new Response(head, { headers: response.headers });
    }) as typeof fetch;
    const result = await downloadFile("http://example.invalid/x", path, {
      fetch: cut,
      retryDelayMs: 1,
    });
    assert.equal(sent[1]!.get("range"), "bytes=5000-");
    assert.equal(sent[1]!.get("if-range"), '"v0"');
    assert.deepEqual(await Deno.readFile(path), sample, "the new version, whole, not a splice");
    assert.equal(result.bytes, sample.length);
    assert.ok(!(await exists(`${path}.part.validator`)));
  }));

Deno.test("downloadFile() starts again on a 416 whose file length is not the .part's", () =>
  withDir(async (dir) => {
    const path = `${dir}/g.parquet`;
    // A whole Parquet file, but another month's: longer than the server's file.
    await Deno.writeFile(`${path}.part`, await Deno.readFile(GREEN_2023_12));
    const sent: Headers[] = [];
    await downloadFile("http://example.invalid/x", path, {
      fetch: versionedServer([sample], sent),
      retryDelayMs: 1,
    });
    assert.deepEqual(await Deno.readFile(path), sample);
    assert.equal(sent.length, 2);
  }));

Deno.test("downloadFile() counts a connection that goes quiet as dropped, and resumes", () =>
  withDir(async (dir) => {
    const path = `${dir}/g.parquet`;
    const sent: Headers[] = [];
    const serve = versionedServer([sample], sent);
    const stalls: typeof fetch = (async (url: string | URL | Request, init?: RequestInit) => {
      const response = await serve(url, init);
      if (sent.length > 1) return response;
      // 1,000 bytes, then nothing, with the connection left open.
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(sample.subarray(0, 1_000));
          init?.signal?.addEventListener("abort", () => controller.error(init.signal!.reason));
        },
      });
      return new Response(body, { headers: response.headers });
    }) as typeof fetch;
    const result = await downloadFile("http://example.invalid/x", path, {
      fetch: stalls,
      idleTimeoutMs: 200,
      retryDelayMs: 1,
    });
    assert.equal(result.status, "resumed");
    assert.equal(sent[1]!.get("range"), "bytes=1000-");
    assert.deepEqual(await Deno.readFile(path), sample);
  }));

Deno.test("downloadFile() refused by --allow-net says which host to grant, without retrying", () =>
  withDir(async (dir) => {
    let calls = 0;
    const denied = (() => {
      calls++;
      return Promise.reject(new Deno.errors.NotCapable('Requires net access to "example.com:443"'));
    }) as typeof fetch;
    await assert.rejects(
      downloadFile("https://example.com/g.parquet", `${dir}/g.parquet`, {
        fetch: denied,
        retryDelayMs: 1,
      }),
      {
        code: "CF_DOWNLOAD",
        message:
          'Cannot download "g.parquet": --allow-net does not grant example.com; run tasks/download.ts ' +
          "with --allow-net=example.com to download from there",
      },
    );
    assert.equal(calls, 1);
  }));
