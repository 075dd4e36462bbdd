/**
 * Every task module answers `--help` and rejects an unknown flag with a usage
 * error, when run through `deno task` with exactly its declared permissions.
 */
import assert from "node:assert/strict";
import { denoTask } from "../_support/deno_task.ts";
import { repoPath } from "../_support/fixtures.ts";

const config = JSON.parse(await Deno.readTextFile(repoPath("deno.json"))) as {
  tasks: Record<string, string | { command: string }>;
};

/** Tasks that run one `tasks/<verb>.ts` module. */
const taskNames = Object.entries(config.tasks)
  .filter(([, t]) => /\btasks\/[a-z_]+\.ts\b/.test(typeof t === "string" ? t : t.command))
  .map(([name]) => name);

function runDenoTask(name: string, ...args: string[]) {
  return denoTask([name, ...args]);
}

Deno.test("smoke: deno.json declares task modules", () => {
  assert.ok(taskNames.length >= 1, "no tasks/*.ts module is wired into deno.json");
});

for (const name of taskNames) {
  Deno.test(`smoke: ${name} --help prints usage and exits 0`, async () => {
    const r = await runDenoTask(name, "--help");
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Usage: /m);
    assert.match(r.stdout, /--json/);
  });

  Deno.test(`smoke: ${name} rejects an unknown flag with exit code 2`, async () => {
    const r = await runDenoTask(name, "--no-such-flag");
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /unknown option '--no-such-flag'/);
  });
}

Deno.test("smoke: produce refuses a compression codec it does not offer, before touching the file", async () => {
  const r = await runDenoTask("produce", "no-such-file.parquet", "--compression", "lz4");
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /compression/);
});

Deno.test("smoke: produce refuses late payments delayed by nothing, and seeds beyond 32 bits", async () => {
  const refusals: [string[], RegExp][] = [
    [["--late-rate", "0.5"], /"lateBy": --late-rate needs --late-by \(seconds above 0\)/],
    [["--seed", "-1"], /"seed": Too small/],
    [["--seed", "4294967296"], /"seed": Too big/],
  ];
  for (const [args, message] of refusals) {
    const r = await runDenoTask("produce", "no-such-file.parquet", ...args);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, message);
  }
});

Deno.test("smoke: verify names its schemas with --left and --right only, so --schema is a usage error", async () => {
  const r = await runDenoTask("verify", "--left", "a", "--right", "b", "--schema", "c");
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /unknown option '--schema'/);
});

Deno.test("smoke: task modules import the project only through mod.ts", async () => {
  for await (const entry of Deno.readDir(repoPath("tasks"))) {
    if (!entry.name.endsWith(".ts")) continue;
    const source = await Deno.readTextFile(repoPath(`tasks/${entry.name}`));
    const local = [...source.matchAll(/from "(\.[^"]*)"/g)].map((m) => m[1]);
    assert.deepEqual(
      local.filter((path) => path !== "../mod.ts"),
      [],
      `tasks/${entry.name}`,
    );
  }
});
