/**
 * The shared contract of every `Bus` adapter, run by each adapter's tests.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { Bus, Delivery, DeliveryBatch, Subscription } from "../../src/ports/bus.ts";
import { testName } from "../_support/services.ts";

/** Options of {@linkcode busSuite}. */
export interface BusSuiteOptions {
  /** Deno's op and resource sanitizers; off for clients that keep timers alive. @default true */
  sanitize?: boolean;
  /** Longest wait for deliveries in one step. @default 20000 */
  timeoutMs?: number;
  /**
   * Whether the adapter hands over a partition's next batch before the
   * handler of the one before resolved, when asked to (`prefetch` above 1);
   * an adapter that does not hands over one batch at a time. @default false
   */
  prefetches?: boolean;
}

const decoder = new TextDecoder();

/**
 * Registers the Bus contract tests. `openBus` opens a new connection to the
 * same bus each call (a second call stands for another process).
 *
 * @example
 * ```ts ignore
 * import { busSuite } from "../ports/bus_suite.ts";
 * busSuite("FileBus", () => FileBus.open({ dir }));
 * ```
 */
export function busSuite(
  name: string,
  openBus: () => Promise<Bus>,
  options: BusSuiteOptions = {},
): void {
  const sanitize = options.sanitize ?? true;
  const timeoutMs = options.timeoutMs ?? 20_000;
  const prefetches = options.prefetches ?? false;
  const test = (title: string, fn: (ctx: Scope) => Promise<void>) =>
    Deno.test({
      name: `${name}: ${title}`,
      sanitizeOps: sanitize,
      sanitizeResources: sanitize,
      fn: async () => {
        const scope = new Scope(openBus, timeoutMs);
        try {
          await fn(scope);
        } finally {
          await scope.dispose();
        }
      },
    });

  test("messages of one key stay on one partition, in order", async (s) => {
    const bus = await s.open();
    const topic = await s.topic(bus, 4);
    for (let round = 0; round < 4; round++) {
      await bus.publish(topic, _messages(10, round * 10, 10)); // keys k0..k9, seq 10 each
    }
    const got = s.collector();
    await s.subscribe(bus, { group: testName("g"), topics: [topic], handleBatch: got.handle });
    await s.waitFor(() => got.all.length >= 400, "400 deliveries");
    const byKey = Map.groupBy(got.all, (d) => d.key);
    assert.equal(byKey.size, 10);
    for (const [key, list] of byKey) {
      assert.equal(new Set(list.map((d) => d.partition)).size, 1, `${key} on one partition`);
      assert.deepEqual(list.map((d) => _seq(d)), Array.from({ length: 40 }, (_, i) => i));
    }
    assert.ok(new Set(got.all.map((d) => d.partition)).size > 1, "keys spread over partitions");
  });

  test("ensureTopic() gives the topic's partition count; an existing topic keeps its own", async (s) => {
    const bus = await s.open();
    const topic = await s.topic(bus, 3);
    assert.equal(await bus.ensureTopic(topic, 3), 3);
    assert.equal(await bus.ensureTopic(topic, 5), 3);
    assert.equal(await (await s.open()).ensureTopic(topic, 1), 3, "seen from another process too");
  });

  test("publishes that overlap land in call order", async (s) => {
    const bus = await s.open();
    const topic = await s.topic(bus, 4);
    // The producer keeps two chunks in flight: the second must not overtake the first.
    await Promise.all(
      Array.from({ length: 8 }, (_, round) => bus.publish(topic, _messages(10, round * 50, 50))),
    );
    const got = s.collector();
    await s.subscribe(bus, { group: testName("g"), topics: [topic], handleBatch: got.handle });
    await s.waitFor(() => got.all.length >= 4000, "4000 deliveries");
    for (const [key, list] of Map.groupBy(got.all, (d) => d.key)) {
      assert.deepEqual(
        list.map((d) => _seq(d)),
        Array.from({ length: 400 }, (_, i) => i),
        `${key}`,
      );
    }
  });

  test("a new subscription resumes after the last committed batch", async (s) => {
    const { bus: first, topic, group } = await s.seeded(5);
    const a = s.collector();
    const subA = await s.subscribe(first, { group, topics: [topic], handleBatch: a.handle });
    await s.waitFor(() => a.all.length >= 5, "5 deliveries to the first member");
    await subA.stop();
    await first.close();

    const second = await s.open(); // a restarted process
    await second.publish(topic, _messages(1, 5, 5));
    const b = s.collector();
    await s.subscribe(second, { group, topics: [topic], handleBatch: b.handle });
    await s.waitFor(() => b.all.length >= 5, "5 deliveries after the restart");
    await s.settle();
    assert.deepEqual(b.all.map(_seq), [5, 6, 7, 8, 9]);
  });

  test("a failing handler commits nothing; the batch is delivered again", async (s) => {
    const { bus: first, topic, group } = await s.seeded(5);
    const a = s.collector((batch) => {
      if (batch.messages.some((d) => _seq(d) >= 5)) throw new Error("handler failed");
    });
    const subA = await s.subscribe(first, { group, topics: [topic], handleBatch: a.handle });
    const outcome = subA.done.then(() => "resolved", (error: Error) => error.message);
    await s.waitFor(() => a.all.length >= 5, "the first 5 deliveries");
    await first.publish(topic, _messages(1, 5, 5));
    assert.equal(await outcome, "handler failed");

    const second = await s.open();
    const b = s.collector();
    await s.subscribe(second, { group, topics: [topic], handleBatch: b.handle });
    await s.waitFor(() => b.all.length >= 5, "the failed batch again");
    await s.settle();
    assert.deepEqual(b.all.map(_seq), [5, 6, 7, 8, 9]);
  });

  test("stop() lets the batch in flight finish and commits it", async (s) => {
    const { bus: first, topic, group } = await s.seeded(3);
    const release = Promise.withResolvers<void>();
    let started = false;
    const handled: Delivery[] = [];
    const subA = await s.subscribe(first, {
      group,
      topics: [topic],
      handleBatch: async (batch) => {
        started = true;
        await release.promise;
        handled.push(...batch.messages);
      },
    });
    await s.waitFor(() => started, "the first batch to start");
    const stopping = subA.stop();
    await s.sleep(100);
    release.resolve();
    await stopping;
    assert.deepEqual(handled.map(_seq), [0, 1, 2]);

    await first.publish(topic, _messages(1, 3, 1));
    const b = s.collector();
    await s.subscribe(await s.open(), { group, topics: [topic], handleBatch: b.handle });
    await s.waitFor(() => b.all.length >= 1, "the message after the stop");
    await s.settle();
    assert.deepEqual(b.all.map(_seq), [3]);
  });

  test("stop() while the batch in flight fails rejects with its error; the batch is delivered again", async (s) => {
    const { bus: first, topic, group } = await s.seeded(3);
    const release = Promise.withResolvers<void>();
    let started = false;
    const sub = await s.subscribe(first, {
      group,
      topics: [topic],
      handleBatch: async () => {
        started = true;
        await release.promise;
        throw new Error("failed while stopping");
      },
    });
    await s.waitFor(() => started, "the first batch to start");
    const stopping = sub.stop().then(() => "resolved", (error: Error) => error.message);
    await s.sleep(100);
    release.resolve();
    assert.equal(await stopping, "failed while stopping");
    await assert.rejects(sub.done, /failed while stopping/);
    await first.close(); // closes although its subscription failed

    const b = s.collector();
    await s.subscribe(await s.open(), { group, topics: [topic], handleBatch: b.handle });
    await s.waitFor(() => b.all.length >= 3, "the failed batch again");
    await s.settle();
    assert.deepEqual(b.all.map(_seq), [0, 1, 2]);
  });

  test("with prefetch 2, stop() commits every batch handed over, in order, after its handler", async (s) => {
    const { bus: first, topic, group } = await s.seeded(3);
    const release = Promise.withResolvers<void>();
    const handedOver: Delivery[][] = [];
    const handled: Delivery[] = [];
    const sub = await s.subscribe(first, {
      group,
      topics: [topic],
      prefetch: 2,
      handleBatch: async (batch) => {
        handedOver.push(batch.messages);
        await release.promise;
        handled.push(...batch.messages);
      },
    });
    await s.waitFor(() => handedOver.length > 0, "the first batch");
    await first.publish(topic, _messages(1, 3, 3));
    if (prefetches) {
      await s.waitFor(() => handedOver.length >= 2, "a second batch while the first is held");
    } else {
      await s.sleep(1000);
      assert.equal(handedOver.length, 1, "one batch at a time");
    }
    const stopping = sub.stop();
    await s.sleep(100);
    release.resolve();
    await stopping;
    assert.deepEqual(handled.map(_seq), handedOver.flat().map(_seq));

    const second = await s.open();
    await second.publish(topic, _messages(1, 6, 1));
    const b = s.collector();
    await s.subscribe(second, { group, topics: [topic], handleBatch: b.handle });
    await s.waitFor(() => b.all.length > 0 && _seq(b.all.at(-1)!) === 6, "the rest");
    await s.settle();
    assert.deepEqual([...handled, ...b.all].map(_seq), [0, 1, 2, 3, 4, 5, 6]);
  });

  test("with prefetch 2, a failing batch leaves later batches of its partition uncommitted", async (s) => {
    const { bus: first, topic, group } = await s.seeded(3);
    const failFirst = Promise.withResolvers<void>();
    let batches = 0;
    const sub = await s.subscribe(first, {
      group,
      topics: [topic],
      prefetch: 2,
      handleBatch: async () => {
        // The first batch fails late; any later one succeeds at once.
        if (batches++ === 0) await failFirst.promise;
      },
    });
    const outcome = sub.done.then(() => "resolved", (error: Error) => error.message);
    await s.waitFor(() => batches > 0, "the first batch");
    await first.publish(topic, _messages(1, 3, 3));
    if (prefetches) {
      await s.waitFor(() => batches >= 2, "a later batch handled while the first is held");
    } else {
      await s.sleep(1000);
      assert.equal(batches, 1, "one batch at a time");
    }
    failFirst.reject(new Error("handler failed"));
    assert.equal(await outcome, "handler failed");

    const b = s.collector();
    await s.subscribe(await s.open(), { group, topics: [topic], handleBatch: b.handle });
    await s.waitFor(() => b.all.length >= 6, "every message again");
    await s.settle();
    assert.deepEqual(b.all.map(_seq), [0, 1, 2, 3, 4, 5]);
  });

  test("onPoll hears every fetch the bus answers, also those that bring nothing", async (s) => {
    const bus = await s.open();
    const topic = await s.topic(bus, 2);
    let polls = 0;
    await s.subscribe(bus, {
      group: testName("g"),
      topics: [topic],
      handleBatch: () => Promise.resolve(),
      onPoll: () => void polls++,
    });
    await s.waitFor(() => polls >= 3, "three polls of an empty topic");
  });

  test("a new group with fromBeginning: false starts at the end", async (s) => {
    const bus = await s.open();
    const topic = await s.topic(bus, 2);
    await bus.publish(topic, _messages(4, 0, 3));
    const got = s.collector();
    const group = testName("g");
    await s.subscribe(bus, {
      group,
      topics: [topic],
      fromBeginning: false,
      handleBatch: got.handle,
    });
    await bus.publish(topic, _messages(4, 3, 1));
    await s.waitFor(() => got.all.length >= 4, "the 4 messages published after subscribing");
    await s.settle();
    assert.deepEqual(got.all.map(_seq), [3, 3, 3, 3]);
  });

  test("two members of one group share the partitions, each knowing its own", async (s) => {
    const [one, two] = [await s.open(), await s.open()];
    const topic = await s.topic(one, 4);
    const group = testName("g");
    const a = s.collector();
    const b = s.collector();
    const subA = await s.subscribe(one, { group, topics: [topic], handleBatch: a.handle });
    const subB = await s.subscribe(two, { group, topics: [topic], handleBatch: b.handle });
    // Warm up until one round of probes reaches both members: the group is stable.
    let round = 0;
    await s.waitFor(async () => {
      round++;
      const tag = `probe${round}_`;
      await one.publish(topic, _messages(8, 0, 1, tag));
      await s.sleep(300);
      return a.all.some((d) => d.key?.startsWith(tag)) && b.all.some((d) => d.key?.startsWith(tag));
    }, "both members to receive probes");
    const real = (list: Delivery[]) => list.filter((d) => d.key?.startsWith("k"));
    await two.publish(topic, _messages(20, 0, 10));
    await s.waitFor(() => real(a.all).length + real(b.all).length >= 200, "200 deliveries");
    await s.settle();
    const [fromA, fromB] = [real(a.all), real(b.all)];
    const ids = [...fromA, ...fromB].map((d) => `${d.key}/${_seq(d)}`);
    assert.equal(ids.length, 200, "no message delivered twice");
    assert.equal(new Set(ids).size, 200, "every message delivered");
    assert.ok(fromA.length > 0 && fromB.length > 0, "both members got some");
    const partitionsOf = (list: Delivery[]) => new Set(list.map((d) => d.partition));
    const shared = [...partitionsOf(fromA)].filter((p) => partitionsOf(fromB).has(p));
    assert.deepEqual(shared, [], "no partition consumed by both members");
    const [heldA, heldB] = [subA.assigned(topic), subB.assigned(topic)];
    assert.deepEqual(
      [...heldA, ...heldB].sort(),
      [0, 1, 2, 3],
      "the group holds each partition once",
    );
    assert.ok([...partitionsOf(fromA)].every((p) => heldA.includes(p)), "A consumed what it holds");
    assert.ok([...partitionsOf(fromB)].every((p) => heldB.includes(p)), "B consumed what it holds");
    assert.deepEqual(subA.assigned(`${topic}_other`), []);
  });
}

/** Messages `keys` keys `k0..`, each with `count` sequence numbers from `from`. */
function _messages(keys: number, from: number, count: number, prefix = "k") {
  const out = [];
  for (let seq = from; seq < from + count; seq++) {
    for (let k = 0; k < keys; k++) out.push({ key: `${prefix}${k}`, value: String(seq % 1000) });
  }
  return out;
}

function _seq(d: Delivery): number {
  return Number(decoder.decode(d.value));
}

/** A test's buses, topics and subscriptions, all cleaned up at the end. */
class Scope {
  #buses: Bus[] = [];
  #subscriptions: Subscription[] = [];
  #topics: string[] = [];
  constructor(readonly openBus: () => Promise<Bus>, readonly timeoutMs: number) {}

  async open(): Promise<Bus> {
    const bus = await this.openBus();
    this.#buses.push(bus);
    return bus;
  }

  async topic(bus: Bus, partitions: number): Promise<string> {
    const topic = testName("topic");
    this.#topics.push(topic);
    await bus.ensureTopic(topic, partitions);
    return topic;
  }

  /** A new bus with a new one-partition topic holding messages 0..count-1 of key k0, and a group name. */
  async seeded(count: number): Promise<{ bus: Bus; topic: string; group: string }> {
    const bus = await this.open();
    const topic = await this.topic(bus, 1);
    await bus.publish(topic, _messages(1, 0, count));
    return { bus, topic, group: testName("g") };
  }

  async subscribe(bus: Bus, options: Parameters<Bus["subscribe"]>[0]): Promise<Subscription> {
    const sub = await bus.subscribe(options);
    this.#subscriptions.push(sub);
    return sub;
  }

  collector(check?: (batch: DeliveryBatch) => void) {
    const state = {
      all: [] as Delivery[],
      handle(batch: DeliveryBatch): Promise<void> {
        check?.(batch);
        state.all.push(...batch.messages);
        return Promise.resolve();
      },
    };
    return state;
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, ms));
  }

  /** Gives a bus time to deliver anything extra before the final asserts. */
  settle(): Promise<void> {
    return this.sleep(500);
  }

  async waitFor(done: () => boolean | Promise<boolean>, what: string): Promise<void> {
    const deadline = Date.now() + this.timeoutMs;
    while (!(await done())) {
      if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
      await this.sleep(20);
    }
  }

  async dispose(): Promise<void> {
    await Promise.allSettled(this.#subscriptions.map((s) => s.stop()));
    await Promise.allSettled(this.#buses.map((b) => b.close()));
    if (this.#topics.length === 0) return;
    const bus = await this.openBus();
    try {
      await bus.deleteTopics(this.#topics);
    } finally {
      await bus.close();
    }
  }
}
