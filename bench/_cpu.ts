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

/** Pids whose command line (arguments joined by spaces) passes `test`. */
export async function pidsWhere(test: (commandLine: string) => boolean): Promise<number[]> {
  const pids: number[] = [];
  for (const line of (await _stdout("ps", ["-eo", "pid=,args="])).split("\n")) {
    const match = /^\s*(\d+) (.*)$/.exec(line);
    if (match && test(match[2]!)) pids.push(Number(match[1]));
  }
  return pids;
}

/**
 * Samples the CPU seconds of named process groups until `stop()`, keeping
 * each pid's last reading (a process that exits keeps what it used).
 */
export class CpuMeter {
  #groups: Map<string, () => Promise<number[]>>;
  #start = new Map<number, number>();
  #last = new Map<number, number>();
  #owner = new Map<number, string>();
  #timer: ReturnType<typeof setInterval> | undefined;
  #machine: number;
  #began = performance.now();
  #first: Promise<void>;

  /** Starts sampling; `groups` name a way to find each group's pids (looked up at every sample). */
  constructor(groups: Record<string, () => Promise<number[]>>) {
    this.#groups = new Map(Object.entries(groups));
    this.#machine = machineBusySeconds();
    this.#first = this.#sample(true);
    this.#timer = setInterval(() => void this.#sample(), 1000);
  }

  async #sample(first = false): Promise<void> {
    if (!first) await this.#first;
    const owners = new Map<number, string>();
    for (const [name, find] of this.#groups) {
      for (const pid of await find()) owners.set(pid, name);
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
    const groups: Record<string, number> = {};
    for (const [pid, name] of this.#owner) {
      groups[name] = (groups[name] ?? 0) + this.#last.get(pid)! - this.#start.get(pid)!;
    }
    return {
      groups,
      busy: machineBusySeconds() - this.#machine,
      wall: (performance.now() - this.#began) / 1000,
    };
  }
}
