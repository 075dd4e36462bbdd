/**
 * A task for `run_task_signals_test.ts`, run as its own process:
 * `deno run tests/unit/cli/_signal_task.ts MODE`. It prints "ready" on
 * stderr once its signal listeners are in place, then:
 * - `ignores`: waits forever, not watching the signal (a task like ingest);
 * - `stops`: watches the signal and returns a summary when it fires;
 * - `stubborn`: says it stops on signals but goes on (a slow phase), printing
 *   "stopping" on stderr when the first one arrives;
 * - `bar-fails`: starts a progress bar, then fails;
 * - `held-fails`: fails while a handle it cannot close keeps the event loop alive.
 *
 * @module
 */
import { z } from "zod";
import { runTask, type TaskDefinition } from "../../../src/cli/task.ts";
import { ChillFlowError } from "../../../src/errors.ts";

const mode = Deno.args[0];

const task: TaskDefinition<{ args: string[] }> = {
  name: "fixture",
  summary: "signal fixture",
  configure: (command) => command.argument("<mode>"),
  options: z.object({ args: z.array(z.string()) }),
  stopsOnSignal: mode !== "ignores",
  async run(_options, context) {
    console.error("ready");
    if (mode === "held-fails") {
      setInterval(() => {}, 1000);
      throw new ChillFlowError("CF_STORE", "Cannot open the fixture's store: it fails on purpose");
    }
    if (mode === "bar-fails") {
      context.progress("rows", 100).tick(1);
      throw new ChillFlowError("CF_INPUT_FILE", "Cannot read the fixture: it fails on purpose");
    }
    if (mode === "stops") {
      await new Promise((resolve) => context.signal.addEventListener("abort", resolve));
      return { stopped: true };
    }
    if (mode === "stubborn") {
      context.signal.addEventListener("abort", () => console.error("stopping"));
    }
    return await new Promise(() => setInterval(() => {}, 1000));
  },
};

if (import.meta.main) await runTask(task);
