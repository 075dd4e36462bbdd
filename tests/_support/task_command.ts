/**
 * A task's command line as deno.json declares it, so that tests and
 * benchmarks spawn tasks with exactly their declared flags and permissions.
 *
 * @module
 */

/** What to spawn for a task: `deno` arguments and the variables the task line sets. */
export interface TaskCommand {
  /** Arguments after `deno` (`run`, flags, the module). */
  args: string[];
  /** The `NAME=value` words in front of `deno`. */
  env: Record<string, string>;
}

/**
 * Reads task `name` of the project's `deno.json`: a single
 * `[NAME=value ...] deno run ... tasks/<verb>.ts` line.
 *
 * @example The assemble task
 * ```ts
 * import { taskCommand } from "./task_command.ts";
 * import assert from "node:assert";
 * const { args } = taskCommand("assemble");
 * assert.equal(args[0], "run");
 * assert.equal(args.at(-1), "tasks/assemble.ts");
 * ```
 */
export function taskCommand(name: string): TaskCommand {
  const config = JSON.parse(Deno.readTextFileSync(new URL("../../deno.json", import.meta.url)));
  const task = config.tasks[name] as string | { command: string } | undefined;
  if (task === undefined) throw new Error(`deno.json has no task "${name}"`);
  const words = (typeof task === "string" ? task : task.command).trim().split(/\s+/);
  const env: Record<string, string> = {};
  while (/^[A-Z_]+=/.test(words[0] ?? "")) {
    const [variable, ...value] = words.shift()!.split("=");
    env[variable!] = value.join("=");
  }
  if (words[0] !== "deno" || words.includes("&&")) {
    throw new Error(`Task "${name}" is not a single deno command: ${words.join(" ")}`);
  }
  return { args: words.slice(1), env };
}
