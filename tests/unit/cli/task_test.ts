import assert from "node:assert/strict";
import { z } from "zod";
import {
  buildCommand,
  connectionOptions,
  runTask,
  type TaskDefinition,
} from "../../../src/cli/task.ts";
import { ChillFlowError } from "../../../src/errors.ts";

interface DemoOptions {
  args: string[];
  period?: string | undefined;
}

function demo(run: TaskDefinition<DemoOptions>["run"]): TaskDefinition<DemoOptions> {
  return {
    name: "demo",
    summary: "A demo task",
    configure: (c) => c.argument("[files...]").option("--period <p>", "YYYY-MM"),
    options: z.object({
      args: z.array(z.string()),
      period: z.string().regex(/^\d{4}-\d{2}$/).optional(),
    }),
    run,
  };
}

async function capture(
  fn: () => Promise<void>,
): Promise<{ out: string[]; err: string[]; code: number }> {
  const out: string[] = [];
  const err: string[] = [];
  const log = console.log;
  const error = console.error;
  console.log = (...a: unknown[]) => out.push(a.join(" "));
  console.error = (...a: unknown[]) => err.push(a.join(" "));
  Deno.exitCode = 0;
  try {
    await fn();
    return { out, err, code: Deno.exitCode };
  } finally {
    console.log = log;
    console.error = error;
    Deno.exitCode = 0;
  }
}

/** Failures set `Deno.exitCode` instead of ending the test runner. */
const IN_PROCESS = { exitOnFailure: false };

Deno.test("runTask() prints the summary as JSON with --json", async () => {
  const r = await capture(() =>
    runTask(demo((o) => Promise.resolve({ files: o.args.length, period: o.period })), [
      "a",
      "b",
      "--period",
      "2024-01",
      "--json",
    ], IN_PROCESS)
  );
  assert.deepEqual(JSON.parse(r.out[0]!), { files: 2, period: "2024-01" });
  assert.equal(r.code, 0);
});

Deno.test("runTask() prints a failing summary, also with --json, then fails with its error", async () => {
  const failing: TaskDefinition<DemoOptions> = {
    ...demo(() => Promise.resolve({ equal: false })),
    failure: (s) => s.equal ? undefined : new ChillFlowError("CF_VERIFY_MISMATCH", "they differ"),
  };
  for (const args of [[], ["--json"]]) {
    const r = await capture(() => runTask(failing, args, IN_PROCESS));
    assert.equal(r.code, 1);
    assert.deepEqual(r.out, [args.length === 0 ? "equal: false" : '{"equal":false}']);
    assert.deepEqual(r.err, ["demo: CF_VERIFY_MISMATCH: they differ"]);
  }
});

Deno.test("runTask() turns an invalid option into a usage error with exit code 2", async () => {
  const r = await capture(() =>
    runTask(demo(() => Promise.resolve({})), ["--period", "2024"], IN_PROCESS)
  );
  assert.equal(r.code, 2);
  assert.match(r.err.join("\n"), /^demo: CF_USAGE: Cannot use "period"/);
});

Deno.test("runTask() prints a ChillFlowError as one coded line, without a stack", async () => {
  const r = await capture(() =>
    runTask(
      demo(() => Promise.reject(new ChillFlowError("CF_INPUT_FILE", 'Cannot read "x": gone'))),
      [],
      IN_PROCESS,
    )
  );
  assert.equal(r.code, 1);
  assert.deepEqual(r.err, ['demo: CF_INPUT_FILE: Cannot read "x": gone']);
});

Deno.test("runTask() keeps the stack of an unexpected error", async () => {
  const r = await capture(() =>
    runTask(demo(() => Promise.reject(new Error("boom"))), [], IN_PROCESS)
  );
  assert.equal(r.code, 1);
  assert.match(r.err.join("\n"), /unexpected error[\s\S]*Error: boom\n\s+at /);
});

Deno.test("connectionOptions() adds only the flags of the ports asked for", () => {
  const flags = (ports: ("store" | "bus" | "cache")[]) =>
    connectionOptions(buildCommand(demo(() => Promise.resolve({}))), ports).options.map((o) =>
      o.long
    );
  assert.ok(flags(["store"]).includes("--database-url"));
  assert.ok(!flags(["store"]).includes("--kafka-brokers"));
  assert.ok(flags(["bus", "cache"]).includes("--redis-url"));
});
