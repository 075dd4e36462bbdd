import type { Delivery, SubscribeOptions, Subscription } from "../../ports/bus.ts";
import { assignPartitions } from "./assign_partitions.ts";
import { onDisk, withFileLock } from "./_files.ts";
import type { Layout } from "./_layout.ts";
import { logEnd, readRecords } from "./_log_file.ts";
import { Membership } from "./_membership.ts";
import { readOffset, writeOffset } from "./_offsets.ts";
import type { ResolvedFileBusOptions } from "./options.ts";

interface Owned {
  topic: string;
  partition: number;
}

/**
 * A file-bus group member. It handles a partition only while holding that
 * partition's lock and reads the committed offset under the lock, so members
 * with briefly different views of the group never handle a record twice.
 */
export class FileSubscription implements Subscription {
  readonly done: Promise<void>;
  #layout: Layout;
  #options: SubscribeOptions;
  #bus: ResolvedFileBusOptions;
  #partitions: Map<string, number>;
  #membership: Membership;
  #owned: Owned[] = [];
  #stopping = false;
  #wake: (() => void) | undefined;
  #beat: ReturnType<typeof setInterval> | undefined;
  #settle = Promise.withResolvers<void>();

  /** `partitions` maps each subscribed topic to its partition count. */
  constructor(
    layout: Layout,
    options: SubscribeOptions,
    bus: ResolvedFileBusOptions,
    partitions: Map<string, number>,
  ) {
    this.#layout = layout;
    this.#options = options;
    this.#bus = bus;
    this.#partitions = partitions;
    this.#membership = new Membership(
      layout.membersDir(options.group),
      options.topics,
      bus.sessionTimeoutMs,
    );
    this.done = this.#settle.promise;
  }

  /** Joins the group and starts the consuming loop. */
  async start(): Promise<void> {
    await this.#join();
    this.#run().then(this.#settle.resolve, this.#settle.reject);
  }

  assigned(topic: string): number[] {
    return this.#owned.filter((o) => o.topic === topic).map((o) => o.partition);
  }

  stop(): Promise<void> {
    this.#stopping = true;
    this.#wake?.();
    return this.done;
  }

  async #join(): Promise<void> {
    await Deno.mkdir(this.#layout.membersDir(this.#options.group), { recursive: true });
    for (const topic of this.#options.topics) {
      await Deno.mkdir(this.#layout.groupTopicDir(this.#options.group, topic), { recursive: true });
      if (this.#options.fromBeginning === false) await this.#startAtEnd(topic);
    }
    // The view first: once the heartbeat file exists, nothing here may fail and leave it
    // behind, where others would count this member for a whole session timeout.
    await this.#refresh();
    await this.#membership.beat();
    this.#beat = setInterval(() => {
      this.#membership.beat().then(() => this.#refresh()).catch(() => {});
    }, this.#bus.heartbeatIntervalMs);
  }

  /** A group new to a partition starts at its current end, not when it first polls it. */
  async #startAtEnd(topic: string): Promise<void> {
    const { group } = this.#options;
    for (let p = 0; p < this.#partitions.get(topic)!; p++) {
      const file = this.#layout.offsetFile(group, topic, p);
      await withFileLock(this.#layout.partitionLock(group, topic, p), async () => {
        if (await readOffset(file) !== undefined) return;
        const end = await logEnd(this.#layout.partitionLog(topic, p));
        await writeOffset(file, { offset: end.count, position: end.position });
      });
    }
  }

  async #refresh(): Promise<void> {
    const members = await this.#membership.live();
    this.#owned = this.#options.topics.flatMap((topic) =>
      assignPartitions(members, this.#membership.id, topic, this.#partitions.get(topic)!)
        .map((partition) => ({ topic, partition }))
    );
  }

  async #run(): Promise<void> {
    try {
      while (!this.#stopping) {
        let handled = 0;
        for (const { topic, partition } of this.#owned) {
          if (this.#stopping) break;
          handled += await this.#consume(topic, partition);
        }
        this.#options.onPoll?.();
        if (handled === 0) await this.#idle();
      }
    } finally {
      clearInterval(this.#beat);
      await onDisk(this.#layout.dir, () => this.#membership.leave());
    }
  }

  /** Handles the next batch of one partition and commits it; returns how many it handled. */
  #consume(topic: string, partition: number): Promise<number> {
    const { group } = this.#options;
    return withFileLock(this.#layout.partitionLock(group, topic, partition), async () => {
      const owns = this.#owned.some((o) => o.topic === topic && o.partition === partition);
      if (this.#stopping || !owns) return 0;
      const offsetFile = this.#layout.offsetFile(group, topic, partition);
      const disk = <T>(fn: () => Promise<T>) => onDisk(this.#layout.dir, fn);
      const from = await disk(() => readOffset(offsetFile)) ?? { offset: 0, position: 0 };
      const log = this.#layout.partitionLog(topic, partition);
      const { records, next } = await disk(() =>
        readRecords(log, from.position, this.#bus.maxBatchMessages)
      );
      if (records.length === 0) return 0;
      const messages: Delivery[] = records.map((r, i) => ({
        topic,
        partition,
        offset: String(from.offset + i),
        key: r.key,
        value: r.value,
      }));
      await this.#options.handleBatch({ topic, partition, messages });
      await disk(() =>
        writeOffset(offsetFile, { offset: from.offset + records.length, position: next })
      );
      return records.length;
    });
  }

  #idle(): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, this.#bus.pollIntervalMs);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.#wake = done;
    });
  }
}
