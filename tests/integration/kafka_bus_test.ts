import assert from "node:assert/strict";
import { kGetApi, Producer } from "@platformatic/kafka";
import { ChillFlowError } from "../../src/errors.ts";
import {
  oneBufferProduceV11,
  withOneBufferRequests,
} from "../../src/adapters/kafka/_produce_api.ts";
import { KafkaBus } from "../../src/adapters/kafka/bus.ts";
import { javaPartition, KafkaProducer } from "../../src/adapters/kafka/_producer.ts";
import { type KafkaBusOptions, resolveKafkaBusOptions } from "../../src/adapters/kafka/options.ts";
import type { Delivery } from "../../src/ports/bus.ts";
import { busSuite } from "../ports/bus_suite.ts";
import { requireService, testName } from "../_support/services.ts";
import { JAVA_PARTITIONS } from "../_support/java_partitions.ts";

busSuite(
  "integration: KafkaBus",
  async () => {
    const brokers = (await requireService("kafka")).split(",");
    // Short sessions keep rebalances in these tests fast.
    return await KafkaBus.open({ brokers, sessionTimeoutMs: 6000, heartbeatIntervalMs: 500 });
  },
  { sanitize: false, prefetches: true },
);

Deno.test("integration: KafkaBus.open reports an unreachable broker as CF_BUS_UNREACHABLE", async () => {
  const probe = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = probe.addr as Deno.NetAddr;
  probe.close(); // nothing listens there now
  await assert.rejects(
    KafkaBus.open({ brokers: [`127.0.0.1:${port}`], retries: 1, connectionTimeoutMs: 500 }),
    (error: unknown) => {
      assert.ok(error instanceof ChillFlowError);
      assert.equal(error.code, "CF_BUS_UNREACHABLE");
      assert.match(error.message, new RegExp(`Cannot reach Kafka at 127\\.0\\.0\\.1:${port}`));
      return true;
    },
  );
});

const decoder = new TextDecoder();

/** Opens a bus on the test broker, makes a fresh topic, runs `fn`, then cleans up. */
async function withTopic(
  partitions: number,
  fn: (bus: KafkaBus, topic: string) => Promise<void>,
  options: Partial<KafkaBusOptions> = {},
): Promise<void> {
  const brokers = (await requireService("kafka")).split(",");
  const bus = await KafkaBus.open({
    brokers,
    sessionTimeoutMs: 6000,
    heartbeatIntervalMs: 500,
    ...options,
  });
  const topic = testName("topic");
  try {
    await bus.ensureTopic(topic, partitions);
    await fn(bus, topic);
  } finally {
    await bus.deleteTopics([topic]).catch(() => {});
    await bus.close();
  }
}

/** Reads `count` messages of `topic` from the beginning with a new group. */
async function consume(bus: KafkaBus, topic: string, count: number): Promise<Delivery[]> {
  const got: Delivery[] = [];
  const sub = await bus.subscribe({
    group: testName("g"),
    topics: [topic],
    handleBatch: (batch) => {
      got.push(...batch.messages);
      return Promise.resolve();
    },
  });
  try {
    const deadline = Date.now() + 30_000;
    while (got.length < count) {
      if (Date.now() > deadline) throw new Error(`Timed out with ${got.length} of ${count}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  } finally {
    await sub.stop();
  }
  return got;
}

Deno.test({
  name: "integration: KafkaBus puts each key on the partition Kafka's Java client picks",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: () =>
    withTopic(6, async (bus, topic) => {
      await bus.publish(topic, JAVA_PARTITIONS.map(([key]) => ({ key, value: key })));
      const got = await consume(bus, topic, JAVA_PARTITIONS.length);
      const partitionOf = new Map(got.map((d) => [decoder.decode(d.value), d.partition]));
      for (const [key, of6] of JAVA_PARTITIONS) {
        assert.equal(partitionOf.get(key), of6, key);
      }
    }),
});

Deno.test({
  name:
    "integration: KafkaBus with 3 publish workers keeps each partition in publish order over publishes not awaited",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: () =>
    withTopic(7, async (bus, topic) => {
      // Publishes are started before the previous ones resolve, as a replay does;
      // small requests make each publish several per partition.
      const keys = Array.from({ length: 40 }, (_, k) => `key-${k}`);
      const publishes = Array.from({ length: 8 }, (_, p) =>
        Array.from({ length: 500 }, (_, i) => ({
          key: keys[(i * 7 + p) % keys.length]!,
          value: `${p}:${i}`,
        })));
      await Promise.all(publishes.map((messages) => bus.publish(topic, messages)));
      const sent = publishes.flat();
      const got = await consume(bus, topic, sent.length);
      assert.equal(got.length, sent.length);
      const order = (list: { key: string; value: string }[]) => {
        const byKey = new Map<string, string[]>();
        for (const m of list) byKey.set(m.key, [...byKey.get(m.key) ?? [], m.value]);
        return byKey;
      };
      const received = got.map((d) => ({ key: d.key ?? "", value: decoder.decode(d.value) }));
      // Each key's messages arrive in the order they were published, on the Java client's partition.
      assert.deepEqual(order(received), order(sent));
      for (const d of got) {
        const key = d.key ?? "";
        assert.equal(d.partition, javaPartition(new TextEncoder().encode(key), 7), key);
      }
    }, { publishWorkers: 3, maxBatchMessages: 50 }),
});

Deno.test({
  name: "integration: KafkaBus splits a publish above the broker's 1 MiB limit, in order",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: () =>
    withTopic(3, async (bus, topic) => {
      // One key, so one partition, and random bytes without compression: unsplit, its
      // record batch would be 3 MB, which the broker refuses (message.max.bytes is 1 MiB).
      const messages = Array.from({ length: 1500 }, (_, i) => {
        const value = crypto.getRandomValues(new Uint8Array(2000));
        new DataView(value.buffer).setUint32(0, i);
        return { key: "one-key", value };
      });
      await bus.publish(topic, messages);
      const got = await consume(bus, topic, messages.length);
      assert.equal(new Set(got.map((d) => d.partition)).size, 1);
      got.forEach((d, i) => assert.deepEqual(d.value, messages[i]!.value, `message ${i}`));
    }, { compression: "none" }),
});

Deno.test({
  name: "integration: KafkaBus with gzip compression delivers every message intact, in order",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: () =>
    withTopic(1, async (bus, topic) => {
      const messages = Array.from({ length: 3000 }, (_, i) => ({
        key: `k${i % 7}`,
        value: JSON.stringify({ i, text: "trip ".repeat(i % 50) }),
      }));
      await bus.publish(topic, messages);
      const got = await consume(bus, topic, messages.length);
      assert.deepEqual(got.map((d) => decoder.decode(d.value)), messages.map((m) => m.value));
    }, { compression: "gzip" }),
});

Deno.test("integration: KafkaBus producer fails fast with CF_BUS_UNREACHABLE when no broker answers", async () => {
  const probe = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = probe.addr as Deno.NetAddr;
  probe.close(); // nothing listens there now
  await using producer = new KafkaProducer(
    resolveKafkaBusOptions({
      brokers: [`127.0.0.1:${port}`],
      retries: 2,
      connectionTimeoutMs: 500,
    }),
  );
  const started = performance.now();
  await assert.rejects(producer.publish("t", [{ key: "k", value: "v" }]), (error: unknown) => {
    assert.ok(error instanceof ChillFlowError);
    assert.equal(error.code, "CF_BUS_UNREACHABLE");
    assert.match(
      error.message,
      new RegExp(
        `^Cannot reach Kafka at 127\\.0\\.0\\.1:${port} while publishing to "t": .*ECONNREFUSED`,
      ),
    );
    assert.doesNotMatch(error.message, /\n/);
    return true;
  });
  // Bounded: two retries with backoff take seconds; a minute leaves a slow machine room.
  assert.ok(performance.now() - started < 60_000, `${performance.now() - started} ms`);
});

Deno.test({
  name:
    "integration: KafkaBus with prefetch 2 hands over a partition's next batch while its handler still runs",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: () =>
    withTopic(1, async (bus, topic) => {
      await bus.publish(topic, [{ key: "k", value: "0" }]);
      const release = Promise.withResolvers<void>();
      const handedOver: string[][] = [];
      const sub = await bus.subscribe({
        group: testName("g"),
        topics: [topic],
        prefetch: 2,
        handleBatch: async (batch) => {
          handedOver.push(batch.messages.map((d) => decoder.decode(d.value)));
          await release.promise;
        },
      });
      try {
        const deadline = Date.now() + 20_000;
        while (handedOver.length === 0 && Date.now() < deadline) {
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
        await bus.publish(topic, [{ key: "k", value: "1" }, { key: "k", value: "2" }]);
        while (handedOver.length < 2 && Date.now() < deadline) {
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
        assert.deepEqual(
          handedOver,
          [["0"], ["1", "2"]],
          "the second batch came before the first settled",
        );
        // A third batch waits: two of the partition are in the handler.
        await bus.publish(topic, [{ key: "k", value: "3" }]);
        await new Promise((resolve) => setTimeout(resolve, 1000));
        assert.equal(handedOver.length, 2);
      } finally {
        release.resolve();
        await sub.stop();
      }
    }),
});

Deno.test("integration: the producer's client negotiates produce v11 with the broker, so its requests are written in one buffer", async () => {
  const brokers = (await requireService("kafka")).split(",");
  const producer = withOneBufferRequests(
    new Producer<Uint8Array, Uint8Array, Uint8Array, Uint8Array>({
      clientId: testName("one-buffer"),
      bootstrapBrokers: brokers,
    }),
  );
  try {
    const api = await new Promise((resolve, reject) =>
      producer[kGetApi](
        "Produce",
        (error: Error | null, found?: unknown) => error ? reject(error) : resolve(found),
      )
    );
    assert.equal(api, oneBufferProduceV11);
  } finally {
    await producer.close();
  }
});

Deno.test({
  name:
    "integration: KafkaBus refuses work once closed, a subscribe included (a member joined then ran on)",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const brokers = (await requireService("kafka")).split(",");
    const bus = await KafkaBus.open({ brokers });
    await bus.close();
    const closed = (error: unknown) => {
      assert.ok(error instanceof ChillFlowError, String(error));
      assert.equal(error.code, "CF_BUS");
      assert.equal(error.retryable, false);
      assert.equal(error.message, "The Kafka bus is closed");
      return true;
    };
    const topic = testName("closed");
    await assert.rejects(bus.ensureTopic(topic, 1), closed);
    await assert.rejects(bus.deleteTopics([topic]), closed);
    await assert.rejects(bus.publish(topic, [{ key: "k", value: "v" }]), closed);
    await assert.rejects(
      bus.subscribe({
        group: testName("g"),
        topics: [topic],
        handleBatch: () => Promise.resolve(),
      }),
      closed,
    );
  },
});

Deno.test({
  name:
    "integration: a KafkaBus subscription whose topic is deleted fails with a bus error, not restarts for ever",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: () =>
    withTopic(1, async (bus, topic) => {
      const sub = await bus.subscribe({
        group: testName("g"),
        topics: [topic],
        handleBatch: () => Promise.resolve(),
      });
      await bus.deleteTopics([topic]);
      let timer: ReturnType<typeof setTimeout> | undefined;
      const late = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error("still restarting after 60 s")), 60_000);
      });
      try {
        await assert.rejects(Promise.race([sub.done, late]), (error: unknown) => {
          assert.ok(error instanceof ChillFlowError, String(error));
          assert.match(error.code, /^CF_BUS/);
          return true;
        });
      } finally {
        clearTimeout(timer);
      }
    }),
});
