import type {
  Bus,
  DeliveryBatch,
  OutgoingMessage,
  SubscribeOptions,
  Subscription,
} from "../../../src/ports/bus.ts";

/** A Bus that keeps published messages in arrays, for inspecting what a producer sent. */
export class RecordingBus implements Bus {
  readonly kind = "file" as const;
  readonly topics = new Map<string, { partitions: number; messages: OutgoingMessage[] }>();

  ensureTopic(topic: string, partitions: number): Promise<number> {
    if (!this.topics.has(topic)) this.topics.set(topic, { partitions, messages: [] });
    return Promise.resolve(this.topics.get(topic)!.partitions);
  }

  publish(topic: string, messages: readonly OutgoingMessage[]): Promise<void> {
    const held = this.topics.get(topic);
    if (held === undefined) return Promise.reject(new Error(`No topic "${topic}"`));
    // Copies, as a real bus does: the producer reuses its buffers once a publish resolves.
    held.messages.push(
      ...messages.map((m) => ({
        key: m.key,
        value: typeof m.value === "string" ? m.value : m.value.slice(),
      })),
    );
    return Promise.resolve();
  }

  /** Values of a topic as parsed JSON. */
  json(topic: string): Record<string, unknown>[] {
    const decoder = new TextDecoder();
    return (this.topics.get(topic)?.messages ?? []).map((m) =>
      JSON.parse(typeof m.value === "string" ? m.value : decoder.decode(m.value))
    );
  }

  /** Committed offsets per group, topic and partition. */
  readonly committed = new Map<string, number>();
  /** Messages per delivered batch. */
  batchSize = 500;
  /** While false, members neither deliver nor poll, as when the bus cannot be reached. */
  reachable = true;
  /** Hand each pass's batches (one per partition) over together, as a Kafka fetch does. */
  concurrent = false;

  /**
   * One member per group: delivers each partition's messages (partition = a
   * hash of the key) in batches, committing after the handler resolves.
   */
  subscribe(options: SubscribeOptions): Promise<Subscription> {
    let stopping = false;
    const done = (async () => {
      while (!stopping) {
        if (!this.reachable) {
          await new Promise((resolve) => setTimeout(resolve, 20));
          continue;
        }
        let delivered = false;
        const handling: Promise<void>[] = [];
        for (const topic of options.topics) {
          const held = this.topics.get(topic);
          if (held === undefined) continue;
          for (let p = 0; p < held.partitions && !stopping; p++) {
            const id = `${options.group}/${topic}/${p}`;
            const all = this.#partitioned(topic, held.messages, held.partitions)[p]!;
            const from = this.committed.get(id) ?? 0;
            const slice = all.slice(from, from + this.batchSize);
            if (slice.length === 0) continue;
            const batch: DeliveryBatch = {
              topic,
              partition: p,
              messages: slice.map((m, i) => ({
                topic,
                partition: p,
                offset: String(from + i),
                key: m.key,
                value: typeof m.value === "string" ? new TextEncoder().encode(m.value) : m.value,
              })),
            };
            const handled = options.handleBatch(batch)
              .then(() => void this.committed.set(id, from + slice.length));
            if (this.concurrent) handling.push(handled);
            else await handled;
            delivered = true;
          }
        }
        await Promise.all(handling);
        options.onPoll?.();
        if (!delivered) await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();
    return Promise.resolve({
      stop: async () => {
        stopping = true;
        await done.catch(() => {});
      },
      // The group's only member holds every partition.
      assigned: (topic) => [...Array(this.topics.get(topic)?.partitions ?? 0).keys()],
      done,
    });
  }

  #split = new Map<string, { seen: number; parts: OutgoingMessage[][] }>();

  /** Messages per partition, extended as the topic grows. */
  #partitioned(
    topic: string,
    messages: OutgoingMessage[],
    partitions: number,
  ): OutgoingMessage[][] {
    let split = this.#split.get(topic);
    if (split === undefined) {
      split = { seen: 0, parts: Array.from({ length: partitions }, () => []) };
      this.#split.set(topic, split);
    }
    for (; split.seen < messages.length; split.seen++) {
      const m = messages[split.seen]!;
      split.parts[_partition(m.key, partitions)]!.push(m);
    }
    return split.parts;
  }

  deleteTopics(topics: readonly string[]): Promise<void> {
    for (const topic of topics) this.topics.delete(topic);
    return Promise.resolve();
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

function _partition(key: string, partitions: number): number {
  let hash = 0;
  for (let i = 0; i < key.length; i++) hash = (hash * 31 + key.charCodeAt(i)) | 0;
  return Math.abs(hash) % partitions;
}
