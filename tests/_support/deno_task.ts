/**
 * Runs `deno task` the way a user does, as a subprocess with a clean
 * environment: only `PATH`, `HOME`, `DENO_DIR` (when set), `NO_COLOR` and the
 * variables a test passes, so no service URL of the test runner leaks in.
 *
 * @module
 */

/** What a task run printed and how it ended. */
export interface TaskRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Where and how {@linkcode denoTask} runs. */
export interface DenoTaskOptions {
  /** Variables on top of the clean environment. */
  env?: Record<string, string>;
  /** Working directory; the repository by default. */
  cwd?: string | URL;
  /**
   * Run inside a pseudo-terminal (util-linux `script`), so that the task sees
   * a TTY; its stdout and stderr then both arrive in `stdout`.
   */
  terminal?: boolean;
}

const decoder = new TextDecoder();

/**
 * Runs `deno task -q <args>` and collects its output.
 *
 * @example A task's usage
 * ```ts ignore
 * import { denoTask } from "./deno_task.ts";
 * const run = await denoTask(["zones", "--help"]);
 * console.log(run.code, run.stdout);
 * ```
 */
export async function denoTask(args: string[], options: DenoTaskOptions = {}): Promise<TaskRun> {
  const command = [Deno.execPath(), "task", "-q", ...args];
  const quoted = command.map((word) => `'${word.replaceAll("'", `'\\''`)}'`).join(" ");
  const [program, programArgs] = options.terminal
    // -e: script exits with the task's code; the typescript file goes nowhere.
    ? ["script", ["-q", "-e", "-c", quoted, "/dev/null"]]
    : [command[0]!, command.slice(1)];
  const denoDir = Deno.env.get("DENO_DIR");
  try {
    const out = await new Deno.Command(program, {
      args: programArgs,
      cwd: options.cwd ?? new URL("../../", import.meta.url),
      clearEnv: true,
      env: {
        NO_COLOR: "1",
        TERM: "xterm",
        PATH: Deno.env.get("PATH") ?? "",
        HOME: Deno.env.get("HOME") ?? "",
        ...(denoDir === undefined ? {} : { DENO_DIR: denoDir }),
        ...options.env,
      },
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
    return {
      code: out.code,
      stdout: decoder.decode(out.stdout),
      stderr: decoder.decode(out.stderr),
    };
  } catch (error) {
    if (options.terminal && error instanceof Deno.errors.NotFound) {
      throw new Error("A terminal run needs `script` (util-linux): apt-get install bsdutils");
    }
    throw error;
  }
}
