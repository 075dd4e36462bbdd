/**
 * The downloader against a local HTTP server (loopback only): a sample file
 * with Range support, 403/404, a connection dropped mid-transfer that resumes
 * with Range, a server that ignores Range, and a body that is not Parquet.
 */
import assert from "node:assert/strict";
import { ChillFlowError } from "../../../src/errors.ts";
import { downloadFile } from "../../../src/io/download/download_file.ts";
import { downloadMonths } from "../../../src/io/download/download_months.ts";
import { GREEN_2024_01 } from "../../_support/fixtures.ts";

const sample: Uint8Array<ArrayBuffer> = await Deno.readFile(GREEN_2024_01);
const requests: { path: string; range: string | null }[] = [];
const dropped = new Set<string>();

function serveBytes(
  request: Request,
  bytes: Uint8Array<ArrayBuffer>,
  honourRange = true,
): Response {
  const match = /^bytes=(\d+)-$/.exec(request.headers.get("range") ?? "");
  if (!match || !honourRange) {
    return new Response(bytes, { headers: { "content-length": String(bytes.length) } });
  }
  const start = Number(match[1]);
  if (start >= bytes.length) return new Response(null, { status: 416 });
  return new Response(bytes.subarray(start), {
    status: 206,
    headers: { "content-range": `bytes ${start}-${bytes.length - 1}/${bytes.length}` },
  });
}

const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (request) => {
  const path = new URL(request.url).pathname;
  requests.push({ path, range: request.headers.get("range") });
  const [, folder] = path.split("/");
  if (folder === "missing") return new Response("NoSuchKey", { status: 404 });
  if (folder === "forbidden") return new Response("AccessDenied", { status: 403 });
  if (folder === "broken") return new Response("oops", { status: 500 });
  if (folder === "csv") {
    return serveBytes(request, new TextEncoder().encode("a,b\n1,2\n".repeat(10)));
  }
  if (folder === "norange") return serveBytes(request, sample, false);
  if (folder === "flaky" && !dropped.has(path)) {
    // Announce the whole file, send 40% of it, then end the connection early.
    dropped.add(path);
    const cut = Math.floor(sample.length * 0.4);
    let sent = false;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (!sent) {
          sent = true;
          controller.enqueue(sample.subarray(0, cut));
        } else controller.close();
      },
    });
    return new Response(body, { headers: { "content-length": String(sample.length) } });
  }
  return serveBytes(request, sample);
});
const base = `http://127.0.0.1:${server.addr.port}`;
const dir = await Deno.makeTempDir({ prefix: "cf_download_" });
globalThis.addEventListener("unload", () => Deno.removeSync(dir, { recursive: true }));

const fast = { retryDelayMs: 1 };

async function sameAsSample(path: string): Promise<void> {
  const bytes = await Deno.readFile(path);
  assert.equal(bytes.length, sample.length);
  assert.ok(bytes.every((b, i) => b === sample[i]), "bytes differ from the served file");
}

Deno.test("integration: downloadMonths() fetches a month, then skips it when complete", async () => {
  const target = `${dir}/skip`;
  const progress: number[] = [];
  const options = {
    tripType: "green" as const,
    from: "2024-01",
    dir: target,
    baseUrl: `${base}/ok/`,
    ...fast,
    onProgress: (_file: string, received: number) => progress.push(received),
  };
  const [first] = await downloadMonths(options);
  assert.equal(first!.status, "downloaded");
  assert.equal(first!.url, `${base}/ok/green_tripdata_2024-01.parquet`);
  assert.equal(first!.bytes, sample.length);
  assert.equal(progress.at(-1), sample.length);
  await sameAsSample(`${target}/green_tripdata_2024-01.parquet`);
  const before = requests.length;
  const [second] = await downloadMonths(options);
  assert.equal(second!.status, "skipped");
  assert.equal(requests.length, before, "a complete file is not fetched again");
});

Deno.test("integration: downloadFile() resumes a dropped connection with a Range request", async () => {
  const path = `${dir}/green_tripdata_2024-01.parquet`;
  const result = await downloadFile(`${base}/flaky/green_tripdata_2024-01.parquet`, path, fast);
  assert.equal(result.status, "resumed");
  await sameAsSample(path);
  const flaky = requests.filter((r) => r.path.startsWith("/flaky/"));
  assert.equal(flaky.length, 2);
  assert.equal(flaky[0]!.range, null);
  assert.equal(flaky[1]!.range, `bytes=${Math.floor(sample.length * 0.4)}-`);
  await assert.rejects(() => Deno.stat(`${path}.part`), Deno.errors.NotFound);
});

Deno.test("integration: downloadFile() continues a .part left by an earlier run", async () => {
  const path = `${dir}/part/green_tripdata_2023-12.parquet`;
  await Deno.mkdir(`${dir}/part`);
  await Deno.writeFile(`${path}.part`, sample.subarray(0, 1_000));
  const result = await downloadFile(`${base}/ok/green_tripdata_2023-12.parquet`, path, fast);
  assert.equal(result.status, "resumed");
  assert.equal(requests.at(-1)!.range, "bytes=1000-");
  await sameAsSample(path);
});

Deno.test("integration: downloadFile() restarts from zero when the server ignores Range", async () => {
  const path = `${dir}/norange.parquet`;
  await Deno.writeFile(`${path}.part`, sample.subarray(0, 5_000));
  const result = await downloadFile(`${base}/norange/x.parquet`, path, fast);
  assert.equal(result.status, "downloaded");
  await sameAsSample(path);
});

for (const [folder, status] of [["missing", 404], ["forbidden", 403]] as const) {
  Deno.test(`integration: downloadFile() explains HTTP ${status} in one line`, async () => {
    const path = `${dir}/yellow_tripdata_2099-01.parquet`;
    await assert.rejects(
      () => downloadFile(`${base}/${folder}/yellow_tripdata_2099-01.parquet`, path, fast),
      (error: unknown) => {
        assert.ok(error instanceof ChillFlowError);
        assert.equal(error.code, "CF_DOWNLOAD");
        assert.equal(
          error.message,
          `Cannot download "yellow_tripdata_2099-01.parquet": not found at ${base}/${folder}/yellow_tripdata_2099-01.parquet (HTTP ${status}); TLC publishes a month about two months after it ends`,
        );
        return true;
      },
    );
    await assert.rejects(() => Deno.stat(path), Deno.errors.NotFound);
  });
}

Deno.test("integration: downloadFile() gives up on repeated 5xx with a retryable error", async () => {
  await assert.rejects(
    () =>
      downloadFile(`${base}/broken/x.parquet`, `${dir}/broken.parquet`, { ...fast, retries: 2 }),
    (error: unknown) =>
      error instanceof ChillFlowError && error.code === "CF_DOWNLOAD" && error.retryable &&
      /HTTP 500/.test(error.message),
  );
  assert.equal(requests.filter((r) => r.path === "/broken/x.parquet").length, 3);
});

Deno.test("integration: downloadFile() refuses a body that is not Parquet and leaves nothing", async () => {
  const path = `${dir}/csv.parquet`;
  await assert.rejects(
    () => downloadFile(`${base}/csv/x.parquet`, path, fast),
    /Cannot download "csv.parquet": the server sent a file that is not Parquet/,
  );
  await assert.rejects(() => Deno.stat(path), Deno.errors.NotFound);
  await assert.rejects(() => Deno.stat(`${path}.part`), Deno.errors.NotFound);
});

Deno.test("integration: downloadFile() reports an unreachable host as retryable CF_DOWNLOAD", async () => {
  await assert.rejects(
    () =>
      downloadFile("http://127.0.0.1:9/x.parquet", `${dir}/unreachable.parquet`, {
        ...fast,
        retries: 0,
      }),
    (error: unknown) =>
      error instanceof ChillFlowError && error.code === "CF_DOWNLOAD" && error.retryable &&
      /cannot reach 127\.0\.0\.1:9/.test(error.message),
  );
});

Deno.test({
  name: "integration: download test server shuts down",
  fn: async () => await server.shutdown(),
});
