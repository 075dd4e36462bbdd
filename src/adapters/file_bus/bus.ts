/**
 * {@linkcode FileBus}: the `Bus` port on plain files, for running without a
 * Kafka broker. Several processes can share one folder.
 *
 * Layout under `dir`:
 * - `topics/<topic>/topic.json` (partition count) and `<partition>.log`:
 *   append-only NDJSON, one `{"k": key, "v": base64 value}` line per message;
 * - `groups/<group>/offsets/<topic>/<partition>.json`: the committed offset
 *   (record number and byte position), replaced atomically by rename;
 * - `groups/<group>/members/<id>.json`: heartbeat files of live members.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import { ChillFlowError } from "../../errors.ts";
import type { Bus, OutgoingMessage, SubscribeOptions, Subscription } from "../../ports/bus.ts";
import { onDisk, readJsonIfExists, withFileLock, writeFileAtomic } from "./_files.ts";
import { Layout } from "./_layout.ts";
import { appendRecords, type LogRecord } from "./_log_file.ts";
import { FileSubscription } from "./_subscription.ts";
import {
  type FileBusOptions,
  type ResolvedFileBusOptions,
  resolveFileBusOptions,
} from "./options.ts";
import { partitionFor } from "./partition_for.ts";

interface TopicMeta {
  partitions: number;
}

/**
 * An embedded, durable bus: keyed messages on partition log files, consumer
 * groups that share partitions through heartbeat files and per-partition
 * locks, and offsets committed only after a batch is handled.
 *
 * @example Publish, then consume in a later process
 * ```ts ignore
 * import { FileBus } from "./bus.ts";
 * await using bus = await FileBus.open({ dir: ".chillflow/bus" });
 * await bus.ensureTopic("trip-events", 6);
 * await bus.publish("trip-events", [{ key: "k1", value: "hello" }]);
 * ```
 */
export class FileBus implements Bus {
  /** Which adapter serves this bus. */
  readonly kind = "file" as const;
  #layout: Layout;
  #options: ResolvedFileBusOptions;
  #subscriptions = new Set<FileSubscription>();
  #closed: Promise<void> | undefined;
  #lastPublish: Promise<void> = Promise.resolve();

  private constructor(options: ResolvedFileBusOptions) {
    this.#options = options;
    this.#layout = new Layout(options.dir);
  }

  /**
   * Opens (and creates) the bus folder.
   *
   * @example
   * ```ts ignore
   * import { FileBus } from "./bus.ts";
   * const bus = await FileBus.open({ dir: await Deno.makeTempDir() });
   * await bus.close();
   * ```
   */
  static async open(options: FileBusOptions): Promise<FileBus> {
    const resolved = resolveFileBusOptions(options);
    try {
      await Deno.mkdir(new Layout(resolved.dir).groupsDir(), { recursive: true });
      await Deno.mkdir(`${resolved.dir}/topics`, { recursive: true });
    } catch (error) {
      throw new ChillFlowError(
        "CF_BUS_UNREACHABLE",
        `Cannot open the file bus in "${resolved.dir}": ${(error as Error).message}`,
        { cause: error },
      );
    }
    return new FileBus(resolved);
  }

  /** Creates the topic with `partitions` partitions if it does not exist. */
  async ensureTopic(topic: string, partitions: number): Promise<number> {
    if (!Number.isInteger(partitions) || partitions < 1) {
      throw new ChillFlowError(
        "CF_BUS",
        `Cannot create topic "${topic}": bad partition count ${partitions}`,
      );
    }
    return await onDisk(this.#layout.dir, async () => {
      await Deno.mkdir(this.#layout.topicDir(topic), { recursive: true });
      return await withFileLock(this.#layout.topicLock(topic), async () => {
        const meta = await readJsonIfExists<TopicMeta>(this.#layout.topicMeta(topic));
        if (meta !== undefined) return meta.partitions;
        await writeFileAtomic(this.#layout.topicMeta(topic), JSON.stringify({ partitions }));
        return partitions;
      });
    });
  }

  /**
   * Appends the messages to their partitions; resolves once they are on disk.
   * Calls that overlap append in call order (the topic lock alone would let a
   * later call take it first).
   */
  publish(topic: string, messages: readonly OutgoingMessage[]): Promise<void> {
    const appended = this.#lastPublish.then(() =>
      onDisk(this.#layout.dir, () => this.#append(topic, messages))
    );
    this.#lastPublish = appended.catch(() => {});
    return appended;
  }

  async #append(topic: string, messages: readonly OutgoingMessage[]): Promise<void> {
    if (messages.length === 0) return;
    const partitions = await this.#partitionCount(topic);
    const byPartition = new Map<number, LogRecord[]>();
    for (const m of messages) {
      const p = partitionFor(m.key, partitions);
      const value = typeof m.value === "string" ? Buffer.from(m.value, "utf8") : m.value;
      const list = byPartition.get(p) ?? [];
      list.push({ key: m.key, value });
      byPartition.set(p, list);
    }
    // One writer per topic at a time keeps each partition's lines whole and ordered.
    await withFileLock(this.#layout.topicLock(topic), async () => {
      for (const [p, records] of byPartition) {
        await appendRecords(this.#layout.partitionLog(topic, p), records);
      }
    });
  }

  /** Joins the group with a new member; resolves once it has joined. */
  async subscribe(options: SubscribeOptions): Promise<Subscription> {
    const partitions = new Map<string, number>();
    for (const topic of options.topics) {
      partitions.set(topic, await onDisk(this.#layout.dir, () => this.#partitionCount(topic)));
    }
    const subscription = new FileSubscription(this.#layout, options, this.#options, partitions);
    await onDisk(this.#layout.dir, () => subscription.start());
    this.#subscriptions.add(subscription);
    const forget = () => this.#subscriptions.delete(subscription);
    subscription.done.then(forget, forget);
    return subscription;
  }

  /** Deletes topics and every group's offsets in them; missing topics are ignored. */
  deleteTopics(topics: readonly string[]): Promise<void> {
    return onDisk(this.#layout.dir, () => this.#deleteTopics(topics));
  }

  async #deleteTopics(topics: readonly string[]): Promise<void> {
    for (const topic of topics) {
      // Offsets first: offsets that outlived their topic (a crash between the two) would
      // point into the log of a topic created again under the name, and skip its messages.
      for await (const group of Deno.readDir(this.#layout.groupsDir())) {
        const offsets = this.#layout.groupTopicDir(group.name, topic);
        await Deno.remove(offsets, { recursive: true }).catch(_ignoreMissing);
      }
      await Deno.remove(this.#layout.topicDir(topic), { recursive: true }).catch(_ignoreMissing);
    }
  }

  /** Stops every subscription; calling it twice is harmless. */
  close(): Promise<void> {
    // A failed subscription reported its error on `done` and `stop()`: close regardless.
    this.#closed ??= Promise.allSettled([...this.#subscriptions].map((s) => s.stop())).then(
      () => {},
    );
    return this.#closed;
  }

  /** Same as {@linkcode FileBus.close}. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  async #partitionCount(topic: string): Promise<number> {
    const meta = await readJsonIfExists<TopicMeta>(this.#layout.topicMeta(topic));
    if (meta === undefined) {
      throw new ChillFlowError("CF_BUS", `Cannot use topic "${topic}": it does not exist`);
    }
    return meta.partitions;
  }
}

function _ignoreMissing(error: unknown): void {
  if (!(error instanceof Deno.errors.NotFound)) throw error;
}
