/**
 * The shared shape of every `tasks/*.ts` module: flags parsed by commander,
 * validated by zod, one summary printed as text or `--json`, errors rendered
 * as one line with a stable code and exit status.
 *
 * @module
 */
/** @internal commander's types are commander's to document, not ours (denoland/deno#27364). */
import { Command, CommanderError, Option } from "commander";
/** @internal zod's types are zod's to document, not ours (denoland/deno#27364). */
import type { z } from "zod";
import { ChillFlowError, exitCodeOf, redact } from "../errors.ts";
import { type Progress, startProgress } from "./progress.ts";

export type { Progress } from "./progress.ts";

/** What a running task may use besides its options. */
export interface TaskContext {
  /** Starts a progress bar on a terminal; silent without a TTY or with `--json`. */
  progress(label: string, total?: number): Progress;
  /** Writes a line to stderr, unless `--json` was given. */
  log(line: string): void;
  /** Aborted on SIGINT or SIGTERM: finish the work in flight, then return. */
  signal: AbortSignal;
}

/** The summary a task returns; printed as `key: value` lines or as JSON. */
export type TaskSummary = Record<string, unknown>;

/** A command-line task. */
export interface TaskDefinition<O> {
  /** Command name, e.g. `"ingest"`. */
  name: string;
  /** One line for `--help`. */
  summary: string;
  /** Declares the task's arguments and options on a commander command. */
  configure(command: Command): Command;
  /** Validates `{ ...command.opts(), args: command.args }`. */
  options: z.ZodType<O>;
  /** Does the work and returns the summary. */
  run(options: O, context: TaskContext): Promise<TaskSummary>;
  /** Renders the summary for people; default is one `key: value` line per entry. */
  render?(summary: TaskSummary): string;
  /**
   * The error a summary means, if any: the summary is printed first (so that
   * `--json` callers get it too), then the error, and the task fails.
   */
  failure?(summary: TaskSummary): ChillFlowError | undefined;
  /**
   * The task watches `context.signal` and stops cleanly on the first SIGINT or
   * SIGTERM; a second one ends it at once. Other tasks end at once on the
   * first, as a program without signal handlers would. @default false
   */
  stopsOnSignal?: boolean;
}

/** Ports whose connection flags {@linkcode connectionOptions} can add. */
export type PortName = "store" | "bus" | "cache";

/** Options of {@linkcode connectionOptions}. */
export interface ConnectionFlagOptions {
  /**
   * Whether a task on the store gets `--schema`: not one that names its
   * schemas otherwise (verify's `--left` and `--right`). @default true
   */
  schema?: boolean;
}

/**
 * Adds the connection flags of the given ports to a command. Flags win over
 * `DATABASE_URL`, `KAFKA_BROKERS` and `REDIS_URL`; unset means embedded.
 *
 * @example
 * ```ts
 * import { Command } from "commander";
 * import { connectionOptions } from "./task.ts";
 * import assert from "node:assert";
 * const command = connectionOptions(new Command("x"), ["store"]);
 * assert.ok(command.options.some((o) => o.long === "--schema"));
 * const verify = connectionOptions(new Command("v"), ["store"], { schema: false });
 * assert.ok(!verify.options.some((o) => o.long === "--schema"));
 * ```
 */
export function connectionOptions(
  command: Command,
  ports: readonly PortName[],
  { schema = true }: ConnectionFlagOptions = {},
): Command {
  if (ports.includes("store")) {
    command.option(
      "--database-url <url>",
      "PostgreSQL URL (default: $DATABASE_URL, else embedded PGlite)",
    );
    if (schema) {
      command.option(
        "--schema <name>",
        "PostgreSQL schema (default: $CHILLFLOW_SCHEMA or chillflow)",
      );
    }
  }
  if (ports.includes("bus")) {
    command.option(
      "--kafka-brokers <list>",
      "host:port,... (default: $KAFKA_BROKERS, else embedded file bus)",
    );
  }
  if (ports.includes("cache")) {
    command.option("--redis-url <url>", "Redis URL (default: $REDIS_URL, else in-memory)");
  }
  command.option(
    "--data-dir <dir>",
    "folder of embedded state (default: $CHILLFLOW_DATA_DIR or .chillflow)",
  );
  return command;
}

/**
 * Builds the commander command of a task (what `runTask` parses with).
 *
 * @example
 * ```ts
 * import { buildCommand } from "./task.ts";
 * import { z } from "zod";
 * import assert from "node:assert";
 * const command = buildCommand({
 *   name: "hello", summary: "Says hello", options: z.object({}),
 *   configure: (c) => c, run: () => Promise.resolve({}),
 * });
 * assert.match(command.helpInformation(), /--json/);
 * ```
 */
export function buildCommand<O>(definition: TaskDefinition<O>): Command {
  const command = new Command(definition.name)
    .description(definition.summary)
    .addOption(new Option("--json", "print a machine-readable summary on stdout"))
    .showHelpAfterError("(add --help for usage)")
    .exitOverride()
    .configureOutput({
      // Commander would probe colour variables in the environment; tasks read only the env vars they declare.
      getOutHasColors: () => false,
      getErrHasColors: () => false,
      writeOut: (text) => Deno.stdout.writeSync(new TextEncoder().encode(text)),
      writeErr: (text) => Deno.stderr.writeSync(new TextEncoder().encode(text)),
    });
  return definition.configure(command);
}

function renderSummary(summary: TaskSummary): string {
  return Object.entries(summary)
    .map(([key, value]) => `${key}: ${typeof value === "object" ? JSON.stringify(value) : value}`)
    .join("\n");
}

function usageMessage(error: z.ZodError): string {
  const issue = error.issues[0]!;
  const path = issue.path.length ? `"${issue.path.join(".")}"` : "arguments";
  return `Cannot use ${path}: ${issue.message}`;
}

/** Options of {@linkcode runTask}. */
export interface RunTaskOptions {
  /**
   * End the process as soon as a failure is reported, rather than when the
   * event loop empties: a failed task can leave a handle behind that it can
   * no longer close (PGlite that failed to open on a full disk kept the
   * process alive). `false` only sets `Deno.exitCode`, for tests. @default true
   */
  exitOnFailure?: boolean;
}

/**
 * Runs a task as the main program: parses `args`, validates, runs, prints,
 * and exits with 0, 1 (a failure) or 2 (bad usage).
 *
 * @example
 * ```ts ignore
 * if (import.meta.main) await runTask(ingestTask);
 * ```
 */
export async function runTask<O>(
  definition: TaskDefinition<O>,
  args: string[] = Deno.args,
  { exitOnFailure = true }: RunTaskOptions = {},
): Promise<void> {
  const command = buildCommand(definition);
  let json = false;
  const abort = new AbortController();
  const bars: Progress[] = [];
  const endBars = () => bars.forEach((bar) => bar.done());
  // A listener replaces Deno's default of ending the process, so a task that does not
  // watch the signal (or a second signal) must still end it, with the shell's 128 + n.
  const onSignal = (code: number) => () => {
    if (definition.stopsOnSignal && !abort.signal.aborted) return abort.abort();
    endBars();
    Deno.exit(code);
  };
  const onInterrupt = onSignal(130);
  const onTerminate = onSignal(143);
  Deno.addSignalListener("SIGINT", onInterrupt);
  Deno.addSignalListener("SIGTERM", onTerminate);
  try {
    await command.parseAsync(args, { from: "user" });
    const raw = command.opts();
    json = raw.json === true;
    const parsed = definition.options.safeParse({ ...raw, args: command.args });
    if (!parsed.success) throw new ChillFlowError("CF_USAGE", usageMessage(parsed.error));
    const context: TaskContext = {
      progress: (label, total) => {
        const bar = startProgress(label, total, { enabled: !json });
        bars.push(bar);
        return bar;
      },
      log: (line) => json || console.error(line),
      signal: abort.signal,
    };
    const summary = await definition.run(parsed.data, context);
    console.log(json ? JSON.stringify(summary) : (definition.render ?? renderSummary)(summary));
    const failure = definition.failure?.(summary);
    if (failure !== undefined) throw failure;
  } catch (error) {
    // A bar left running keeps a timer, hence the process, alive after the error line.
    endBars();
    Deno.exitCode = reportError(definition.name, error);
    if (exitOnFailure && Deno.exitCode !== 0) Deno.exit();
  } finally {
    endBars();
    Deno.removeSignalListener("SIGINT", onInterrupt);
    Deno.removeSignalListener("SIGTERM", onTerminate);
  }
}

function reportError(task: string, error: unknown): number {
  if (error instanceof CommanderError) {
    // Commander already printed help or the usage problem.
    return error.exitCode === 0 ? 0 : 2;
  }
  if (error instanceof ChillFlowError) {
    console.error(`${task}: ${error.code}: ${redact(error.message)}`);
    return exitCodeOf(error);
  }
  console.error(`${task}: unexpected error (a bug; please report it):`);
  console.error(error instanceof Error ? redact(error.stack ?? error.message) : error);
  return 1;
}
