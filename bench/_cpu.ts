/**
 * CPU accounting for the benchmarks, from Linux's /proc and `node:os`: how many CPU seconds
 * each process of a run used, and how busy the whole machine was. A rate
 * below its target on a saturated machine is bounded by the CPU seconds per
 * event, not by waiting.
 *
 * @module
 */

import os from "node:os";

const TICKS_PER_SECOND = 100; // USER_HZ: 100 on every Linux ABI Deno runs on
const decoder = new TextDecoder();

// Deno lets only --allow-all read /proc/<pid>/, so these go through `ps` and `cat` (--allow-run).
async function _stdout(cmd: string, args: string[]): Promise<string> {
  const out = await new Deno.Command(cmd, { args, stdout: "piped", stderr: "null" }).output();
  return decoder.decode(out.stdout);
}

/** CPU seconds (user + system) each live process of `pids` has used so far. */
export async function processCpuSeconds(pids: readonly number[]): Promise<Map<number, number>> {
  const seconds = new Map<number, number>();
  if (pids.length === 0) return seconds;
  const text = await _stdout("cat", pids.map((pid) => `/proc/${pid}/stat`));
  for (const line of text.split("\n")) {
    if (line === "") continue;
    // Fields after the parenthesised command name; utime and stime are the 12th and 13th.
    const fields = line.slice(line.lastIndexOf(")") + 2).split(" ");
    seconds.set(
      Number(line.slice(0, line.indexOf(" "))),
      (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND,
    );
  }
  return seconds;
}

/** Busy CPU seconds of the whole machine since boot (all cores). */
export function machineBusySeconds(): number {
  let ms = 0;
  for (const { times } of os.cpus()) ms += times.user + times.nice + times.sys + times.irq;
  return ms / 1000;
}

/** Every live process: pid -> command line (arguments joined by spaces). */
export async function processes(): Promise<Map<number, string>> {
  const all = new Map<number, string>();
  for (const line of (await _stdout("ps", ["-eo", "pid=,args="])).split("\n")) {
    const match = /^\s*(\d+) (.*)$/.exec(line);
    if (match) all.set(Number(match[1]), match[2]!);
  }
  return all;
}

/** Which group a process belongs to, from its pid and command line. */
export type ProcessTest = (pid: number, commandLine: string) => boolean;

/**
 * Samples the CPU seconds of named process groups until `stop()`, keeping
 * each pid's last reading (a process that exits keeps what it used). One
 * process listing per sample; a process counts for the first group it passes.
 */
export class CpuMeter {
  #groups: [string, ProcessTest][];
  #start = new Map<number, number>();
  #last = new Map<number, number>();
  #owner = new Map<number, string>();
  #timer: ReturnType<typeof setInterval> | undefined;
  #machine: number;
  #began = performance.now();
  #first: Promise<void>;

  /** Starts sampling the groups, looking for their processes at every sample. */
  constructor(groups: Record<string, ProcessTest>) {
    this.#groups = Object.entries(groups);
    this.#machine = machineBusySeconds();
    this.#first = this.#sample(true);
    this.#timer = setInterval(() => void this.#sample(), 1000);
  }

  async #sample(first = false): Promise<void> {
    if (!first) await this.#first;
    const owners = new Map<number, string>();
    for (const [pid, commandLine] of await processes()) {
      const group = this.#groups.find(([, test]) => test(pid, commandLine));
      if (group !== undefined) owners.set(pid, group[0]);
    }
    for (const [pid, seconds] of await processCpuSeconds([...owners.keys()])) {
      // A process born during the run counts from zero.
      if (!this.#start.has(pid)) this.#start.set(pid, first ? seconds : 0);
      this.#owner.set(pid, owners.get(pid)!);
      this.#last.set(pid, seconds);
    }
  }

  /** Stops sampling: CPU seconds per group, the machine's busy seconds and the wall seconds. */
  async stop(): Promise<{ groups: Record<string, number>; busy: number; wall: number }> {
    clearInterval(this.#timer);
    await this.#sample();
    // Columns in the order the groups were given, a group with no process at 0.
    const groups = Object.fromEntries(this.#groups.map(([name]) => [name, 0]));
    for (const [pid, name] of this.#owner) {
      groups[name] += this.#last.get(pid)! - this.#start.get(pid)!;
    }
    return {
      groups,
      busy: machineBusySeconds() - this.#machine,
      wall: (performance.now() - this.#began) / 1000,
    };
  }
}
