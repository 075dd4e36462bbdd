/**
 * The quick start's first command, `deno task pipeline-full`, as a new user
 * runs it: a fresh copy of the project's tracked files, no DATABASE_URL,
 * KAFKA_BROKERS or REDIS_URL (embedded PostgreSQL, bus and cache), and the
 * tasks' declared permissions. Twice, because a second run must replace the
 * first one's month rather than add to it.
 */
import assert from "node:assert/strict";
import { denoTask } from "../_support/deno_task.ts";
import { repoPath } from "../_support/fixtures.ts";

const decoder = new TextDecoder();

/** Copies the files git tracks into a temporary directory. */
async function freshCopy(): Promise<string> {
  const listed = await new Deno.Command("git", {
    args: ["ls-files", "-z"],
    cwd: repoPath(""),
    stdout: "piped",
  }).output();
  assert.equal(listed.code, 0, "git ls-files failed: the e2e tier runs in a git checkout");
  const dir = await Deno.makeTempDir({ prefix: "chillflow_quickstart_" });
  for (const file of decoder.decode(listed.stdout).split("\0").filter((f) => f !== "")) {
    const target = `${dir}/${file}`;
    await Deno.mkdir(target.slice(0, target.lastIndexOf("/")), { recursive: true });
    await Deno.copyFile(repoPath(file), target);
  }
  return dir;
}

function pipelineFull(cwd: string) {
  return denoTask(["pipeline-full"], { cwd });
}

Deno.test("e2e: pipeline-full on embedded services ends with batch = stream, and again", async () => {
  const dir = await freshCopy();
  try {
    for (let run = 1; run <= 2; run++) {
      const result = await pipelineFull(dir);
      assert.equal(result.code, 0, `run ${run}: ${result.stderr}`);
      const output = result.stdout + result.stderr;
      assert.match(output, /batch vs stream: identical/, `run ${run}`);
      assert.match(output, /trips: 55913 vs 55913 rows, 0 only in batch, 0 only in stream/);
      assert.match(output, /rejected_trips: 638 vs 638 rows/);
      assert.match(output, /zone_hourly_kpis: 16375 vs 16375 rows/);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
