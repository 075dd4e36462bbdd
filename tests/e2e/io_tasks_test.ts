/**
 * `deno task download` and `deno task synth` run as subprocesses with exactly
 * their declared permissions. The download is served by a loopback server.
 */
import assert from "node:assert/strict";
import { denoTask } from "../_support/deno_task.ts";
import { repoPath } from "../_support/fixtures.ts";

function task(...args: string[]) {
  return denoTask(args);
}

/** The task's own stderr lines: without Deno's "Download ..." lines of a cold npm cache. */
function taskLines(stderr: string): string[] {
  return stderr.split("\n").filter((line) => line.trim() !== "" && !line.startsWith("Download "));
}

Deno.test("e2e: download fetches from --base-url into data/, then skips; 404 is one line", async () => {
  const sample = await Deno.readFile(repoPath("data/green_tripdata_2024-01.parquet"));
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    (request) =>
      new URL(request.url).pathname.endsWith("green_tripdata_2024-01.parquet")
        ? new Response(sample)
        : new Response("NoSuchKey", { status: 404 }),
  );
  const dir = `data/.e2e_${crypto.randomUUID()}`;
  const base = `http://127.0.0.1:${server.addr.port}/trip-data`;
  try {
    const flags = ["--type", "green", "--from", "2024-01", "--dir", dir, "--base-url", base];
    const first = await task("download", ...flags, "--json");
    assert.equal(first.code, 0, first.stderr);
    assert.deepEqual(JSON.parse(first.stdout).files, [
      { file: `${dir}/green_tripdata_2024-01.parquet`, status: "downloaded", bytes: sample.length },
    ]);
    const again = await task("download", ...flags, "--json");
    assert.equal(JSON.parse(again.stdout).skipped, 1);
    const missing = await task(
      "download",
      "--type",
      "green",
      "--from",
      "2024-02",
      "--dir",
      dir,
      "--base-url",
      base,
    );
    assert.equal(missing.code, 1);
    // Besides the file's progress line ("...: checking"), the error is one line, no stack.
    const lines = taskLines(missing.stderr);
    assert.deepEqual(lines.slice(0, -1), ["green_tripdata_2024-02.parquet: checking"]);
    assert.match(
      lines.at(-1)!,
      /^download: CF_DOWNLOAD: Cannot download "green_tripdata_2024-02\.parquet": not found at .* \(HTTP 404\); /,
    );
  } finally {
    await server.shutdown();
    await Deno.remove(repoPath(dir), { recursive: true }).catch(() => {});
  }
});

Deno.test("e2e: synth writes a month under bench/out and reports its injected rejects", async () => {
  await Deno.mkdir(repoPath("bench/out"), { recursive: true });
  const out = `bench/out/e2e_${crypto.randomUUID()}.parquet`;
  try {
    const result = await task(
      "synth",
      "--like",
      "data/green_tripdata_2024-01.parquet",
      "--rows",
      "5000",
      "--period",
      "2024-02",
      "--out",
      out,
      "--row-group-rows",
      "2000",
      "--reject-rate",
      "0.1",
      "--seed",
      "e2e",
      "--json",
    );
    assert.equal(result.code, 0, result.stderr);
    const summary = JSON.parse(result.stdout);
    assert.equal(summary.rows, 5_000);
    assert.equal(summary.rowGroups, 3);
    const injected = Object.values(summary.injected as Record<string, number>).reduce(
      (a, b) => a + b,
      0,
    );
    assert.equal(summary.expectedAccepted, 5_000 - injected);
    assert.ok(injected > 300 && injected < 700);
    assert.equal((await Deno.stat(repoPath(out))).size, summary.bytes);
  } finally {
    await Deno.remove(repoPath(out)).catch(() => {});
  }
});

Deno.test("e2e: synth outside its write permission fails with one line and no file", async () => {
  const out = `/tmp/cf_e2e_forbidden_${crypto.randomUUID()}.parquet`;
  const result = await task(
    "synth",
    "--like",
    "data/green_tripdata_2024-01.parquet",
    "--rows",
    "10",
    "--period",
    "2024-02",
    "--out",
    out,
  );
  assert.equal(result.code, 1);
  const lines = taskLines(result.stderr);
  assert.equal(lines.length, 1, result.stderr);
  assert.ok(lines[0]!.startsWith(`synth: CF_INPUT_FILE: Cannot write "${out}"`), lines[0]);
  await assert.rejects(Deno.stat(out), Deno.errors.NotFound);
});
