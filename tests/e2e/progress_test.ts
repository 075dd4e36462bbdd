/**
 * Long work shows progress on a terminal and nothing without one: tasks run
 * once inside a pseudo-terminal (util-linux `script`) and once with their
 * output piped, as in CI.
 */
import assert from "node:assert/strict";
import { PostgresStore } from "../../src/adapters/postgres/store.ts";
import { GREEN_2024_01, repoPath } from "../_support/fixtures.ts";
import { denoTask } from "../_support/deno_task.ts";
import { requireService, testName } from "../_support/services.ts";

/** A bar line of cli-progress with a known total: count, label, rate in the label's unit, ETA. */
const bar = (total: number, label: string) =>
  new RegExp(
    `\\d+/${total} ${label.replaceAll(".", "\\.")} \\| \\d+ ${label.split(" ")[0]}/s \\| ETA \\S+`,
  );

Deno.test("e2e: ingest shows rows, rate and ETA on a terminal and stays quiet without one", async () => {
  const url = await requireService("postgres");
  const schema = testName("e2e_progress");
  const args = ["ingest", GREEN_2024_01, "--schema", schema];
  try {
    const shown = await denoTask(args, { env: { DATABASE_URL: url }, terminal: true });
    assert.equal(shown.code, 0, shown.stdout + shown.stderr);
    // The pseudo-terminal carries stdout and stderr together: the bar, then the summary.
    assert.match(shown.stdout, bar(56_551, "rows of green_tripdata_2024-01.parquet"));
    assert.match(shown.stdout, /56551 read, 55913 accepted, 638 rejected/);

    const piped = await denoTask(args, { env: { DATABASE_URL: url } });
    assert.equal(piped.code, 0, piped.stderr);
    assert.equal(piped.stderr, "", "no progress output without a terminal");
    assert.match(piped.stdout, /56551 read, 55913 accepted, 638 rejected/);
  } finally {
    const store = await PostgresStore.open({ url, schema });
    await store.exec(`drop schema "${schema}" cascade`);
    await store.close();
  }
});

Deno.test("e2e: produce shows the rows it reads, then the events it publishes, on a terminal only", async () => {
  const dataDir = `.chillflow/${testName("e2e_progress_produce")}`;
  const args = ["produce", "data/green_tripdata_2024-01.parquet", "--data-dir", dataDir];
  try {
    const shown = await denoTask(args, { terminal: true });
    assert.equal(shown.code, 0, shown.stdout + shown.stderr);
    const rows = shown.stdout.search(bar(56_551, "rows of green_tripdata_2024-01.parquet"));
    const events = shown.stdout.search(bar(167_739, "events"));
    assert.ok(rows >= 0 && events > rows, `rows bar, then events bar:\n${shown.stdout}`);

    const piped = await denoTask(args);
    assert.equal(piped.code, 0, piped.stderr);
    assert.equal(piped.stderr, "", "no progress output without a terminal");
    assert.match(piped.stdout, /55913 accepted -> 167739 events/);
  } finally {
    await Deno.remove(repoPath(dataDir), { recursive: true }).catch(() => {});
  }
});
