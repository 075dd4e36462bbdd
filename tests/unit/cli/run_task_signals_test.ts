import assert from "node:assert/strict";
import { repoPath } from "../../_support/fixtures.ts";

const FIXTURE = repoPath("tests/unit/cli/_signal_task.ts");
const decoder = new TextDecoder();

/** Starts the fixture task and resolves once it printed "ready" (its listeners are in place). */
async function start(mode: string) {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--config", repoPath("deno.json"), FIXTURE, mode],
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  await stderrLine(child, "ready");
  return child;
}

/** Reads the child's stderr until a line `line` (the rest stays unread). */
async function stderrLine(child: Deno.ChildProcess, line: string) {
  const reader = child.stderr.getReader();
  let stderr = "";
  try {
    while (!stderr.split("\n").includes(line)) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`the fixture ended before it printed "${line}": ${stderr}`);
      stderr += decoder.decode(value);
    }
  } finally {
    reader.releaseLock();
  }
}

/** The child's exit, or a failure after `ms` (the child is killed then). */
async function exitWithin(child: Deno.ChildProcess, ms: number) {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`still running after ${ms} ms`));
    }, ms);
  });
  try {
    return await Promise.race([child.output(), late]);
  } finally {
    clearTimeout(timer);
  }
}

Deno.test("runTask: SIGINT ends a task that does not watch signals at once, with 130", async () => {
  const child = await start("ignores");
  child.kill("SIGINT");
  const out = await exitWithin(child, 10_000);
  assert.equal(out.code, 130);
});

Deno.test("runTask: SIGTERM lets a task that watches signals stop cleanly, with 0 and its summary", async () => {
  const child = await start("stops");
  child.kill("SIGTERM");
  const out = await exitWithin(child, 10_000);
  assert.equal(out.code, 0);
  assert.equal(decoder.decode(out.stdout).trim(), "stopped: true");
});

Deno.test("runTask: a second SIGTERM ends a task that has not stopped yet, with 143", async () => {
  const child = await start("stubborn");
  child.kill("SIGTERM");
  await stderrLine(child, "stopping");
  child.kill("SIGTERM");
  const out = await exitWithin(child, 10_000);
  assert.equal(out.code, 143);
});

Deno.test("runTask: a task that fails holding a handle it cannot close still exits, with 1", async () => {
  const child = await start("held-fails");
  const out = await exitWithin(child, 10_000);
  assert.equal(out.code, 1);
});

Deno.test("runTask: a task that fails with a progress bar on a terminal still exits", async () => {
  // `script` gives the task a terminal, where the bar's redraw timer would keep it alive.
  const command = `'${Deno.execPath()}' run --config '${
    repoPath("deno.json")
  }' '${FIXTURE}' bar-fails`;
  const child = new Deno.Command("script", {
    args: ["-q", "-e", "-c", command, "/dev/null"],
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const out = await exitWithin(child, 15_000);
  assert.equal(out.code, 1);
  assert.match(decoder.decode(out.stdout), /fixture: CF_INPUT_FILE: Cannot read the fixture/);
});
