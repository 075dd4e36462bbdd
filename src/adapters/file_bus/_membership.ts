import { join } from "node:path";
import type { GroupMember } from "./assign_partitions.ts";
import { writeFileAtomic } from "./_files.ts";

interface MemberFile extends GroupMember {
  heartbeatAt: number;
}

/**
 * One member's presence in a group: a heartbeat file rewritten periodically,
 * and the view of the other members whose heartbeat is fresh.
 */
export class Membership {
  readonly id: string = `${Date.now().toString(36)}-${crypto.randomUUID().slice(0, 8)}`;
  #dir: string;
  #topics: readonly string[];
  #sessionTimeoutMs: number;

  constructor(dir: string, topics: readonly string[], sessionTimeoutMs: number) {
    this.#dir = dir;
    this.#topics = topics;
    this.#sessionTimeoutMs = sessionTimeoutMs;
  }

  get #file(): string {
    return join(this.#dir, `${this.id}.json`);
  }

  /** Writes the heartbeat file (also the join). */
  async beat(): Promise<void> {
    const me: MemberFile = { id: this.id, topics: this.#topics, heartbeatAt: Date.now() };
    await writeFileAtomic(this.#file, JSON.stringify(me));
  }

  /** Live members, this one included; files that vanish or are half-written are skipped. */
  async live(): Promise<GroupMember[]> {
    const now = Date.now();
    const members: GroupMember[] = [{ id: this.id, topics: this.#topics }];
    for await (const entry of Deno.readDir(this.#dir)) {
      if (!entry.name.endsWith(".json") || entry.name === `${this.id}.json`) continue;
      try {
        const path = join(this.#dir, entry.name);
        const m = JSON.parse(await Deno.readTextFile(path)) as MemberFile;
        const age = now - m.heartbeatAt;
        if (age <= this.#sessionTimeoutMs) members.push(m);
        // Files of long-dead (killed) members would pile up; anyone may sweep them.
        else if (age > 10 * this.#sessionTimeoutMs) await Deno.remove(path).catch(() => {});
      } catch {
        // Removed by its owner or by a tmp rename in between: not a live member.
      }
    }
    return members;
  }

  /** Leaves the group. */
  async leave(): Promise<void> {
    await Deno.remove(this.#file).catch(() => {});
  }
}
