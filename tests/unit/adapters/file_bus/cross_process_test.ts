import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { FileBus } from "../../../../src/adapters/file_bus/bus.ts";
import type { Delivery } from "../../../../src/ports/bus.ts";
import { withTempDir } from "../../../_support/fixtures.ts";

const MEMBER = fileURLToPath(new URL("./_member_process.ts", import.meta.url));
const OPTIONS = { heartbeatIntervalMs: 100, sessionTimeoutMs: 1000 };

function spawn(mode: string, dir: string, ...args: string[]): Deno.ChildProcess {
  const allow = [`--allow-read=${dir}`, `--allow-write=${dir}`];
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "--quiet", ...allow, MEMBER, mode, dir, ...args],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
}

const withBusDir = (fn: (dir: string) => Promise<void>) => withTempDir("cf_file_bus_", fn);

async function waitFor(done: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Collects the child's stdout lines as they arrive. */
function lines(child: Deno.ChildProcess): { all: string[]; closed: Promise<void> } {
  const state = { all: [] as string[], closed: Promise.resolve() };
  state.closed = (async () => {
    let rest = "";
    for await (const chunk of child.stdout.pipeThrough(new TextDecoderStream())) {
      const parts = (rest + chunk).split("\n");
      rest = parts.pop()!;
      state.all.push(...parts);
    }
  })();
  return state;
}

Deno.test("FileBus: a later process consumes what an earlier one published", async () => {
  await withBusDir(async (dir) => {
    const bus = await FileBus.open({ dir, ...OPTIONS });
    await bus.ensureTopic("events", 3);
    await using publisher = spawn("publish", dir, "events", "50");
    await publisher.stdout.cancel();
    assert.equal((await publisher.status).code, 0);

    const got: Delivery[] = [];
    const sub = await bus.subscribe({
      group: "g",
      topics: ["events"],
      handleBatch: (batch) => Promise.resolve(void got.push(...batch.messages)),
    });
    await waitFor(() => got.length >= 50, "50 deliveries");
    await sub.stop();
    await bus.close();
    const seqOfKey = (k: string) =>
      got.filter((d) => d.key === k).map((d) => Number(new TextDecoder().decode(d.value)));
    for (let k = 0; k < 5; k++) {
      assert.deepEqual(seqOfKey(`k${k}`), Array.from({ length: 10 }, (_, i) => i * 5 + k));
    }
  });
});

Deno.test("FileBus: a killed member's partitions are taken over by the group", async () => {
  await withBusDir(async (dir) => {
    const bus = await FileBus.open({ dir, ...OPTIONS });
    await bus.ensureTopic("events", 4);
    // Disposed (killed) even when an assertion fails before the test kills it.
    await using child = spawn("member", dir, "events", "g");
    const out = lines(child);
    await waitFor(() => out.all.includes("joined"), "the child to join");

    const got: Delivery[] = [];
    const sub = await bus.subscribe({
      group: "g",
      topics: ["events"],
      handleBatch: (batch) => Promise.resolve(void got.push(...batch.messages)),
    });
    // Both members own partitions once each has seen a probe.
    for (let round = 0; !(got.length > 0 && out.all.length > 1); round++) {
      assert.ok(round < 100, "the group never settled");
      await bus.publish("events", [0, 1, 2, 3, 4].map((k) => ({ key: `k${k}`, value: "-1" })));
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const childPartitions = new Set(out.all.slice(1).map((line) => Number(line.split(" ")[0])));
    child.kill("SIGKILL");
    await child.status;
    await out.closed;

    got.length = 0;
    await bus.publish(
      "events",
      Array.from({ length: 100 }, (_, i) => ({ key: `k${i % 5}`, value: `${i}` })),
    );
    await waitFor(
      () => got.filter((d) => new TextDecoder().decode(d.value) !== "-1").length >= 100,
      "all 100 after takeover",
    );
    const taken = got.filter((d) => childPartitions.has(d.partition));
    assert.ok(taken.length > 0, "messages on the dead member's partitions were consumed");
    await sub.stop();
    await bus.close();
  });
});
