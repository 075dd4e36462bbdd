/**
 * Long work shows progress on a terminal and nothing without one:
 * `deno task ingest` run once inside a pseudo-terminal (util-linux `script`)
 * and once with its output piped, as in CI.
 */
import assert from "node:assert/strict";
import { PostgresStore } from "../../src/adapters/postgres/store.ts";
import { GREEN_2024_01, repoPath } from "../_support/fixtures.ts";
import { requireService, testName } from "../_support/services.ts";

const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

/** `deno task ingest` with a schema, in a pseudo-terminal or piped. */
async function ingest(url: string, schema: string, terminal: boolean) {
  const task = [Deno.execPath(), "task", "-q", "ingest", GREEN_2024_01, "--schema", schema];
  const quoted = task.map((word) => `'${word.replaceAll("'", `'\\''`)}'`).join(" ");
  const [program, args] = terminal
    // -e: script exits with the task's code; the typescript file goes nowhere.
    ? ["script", ["-q", "-e", "-c", quoted, "/dev/null"]] as const
    : [task[0]!, task.slice(1)] as const;
  try {
    const out = await new Deno.Command(program, {
      args: [...args],
      cwd: repoPath(""),
      env: { DATABASE_URL: url, NO_COLOR: "1", TERM: "xterm" },
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
    return { code: out.code, stdout: decode(out.stdout), stderr: decode(out.stderr) };
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      throw new Error("This test needs `script` (util-linux): apt-get install bsdutils");
    }
    throw error;
  }
}

Deno.test("e2e: ingest shows rows, rate and ETA on a terminal and stays quiet without one", async () => {
  const url = await requireService("postgres");
  const schema = testName("e2e_progress");
  try {
    const shown = await ingest(url, schema, true);
    assert.equal(shown.code, 0, shown.stdout + shown.stderr);
    // The pseudo-terminal carries stdout and stderr together: the bar, then the summary.
    assert.match(
      shown.stdout,
      /\d+\/56551 rows of green_tripdata_2024-01\.parquet \| \d+ rows\/s \| ETA \S+/,
    );
    assert.match(shown.stdout, /56551 read, 55913 accepted, 638 rejected/);

    const piped = await ingest(url, schema, false);
    assert.equal(piped.code, 0, piped.stderr);
    assert.equal(piped.stderr, "", "no progress output without a terminal");
    assert.match(piped.stdout, /56551 read, 55913 accepted, 638 rejected/);
  } finally {
    const store = await PostgresStore.open({ url, schema });
    await store.exec(`drop schema "${schema}" cascade`);
    await store.close();
  }
});
