import assert from "node:assert/strict";
import { BatchGatherer } from "../../../src/pipelines/_batch_gatherer.ts";

/** A gatherer whose rounds are recorded as they are prepared and written. */
function recording<T>(write: (items: T[]) => Promise<void> = () => Promise.resolve()) {
  const log: string[] = [];
  const gatherer = new BatchGatherer<T, T[]>({
    prepare(items) {
      log.push(`prepare ${items.join(",")}`);
      return items;
    },
    async write(items) {
      log.push(`write ${items.join(",")}`);
      await write(items);
      log.push(`written ${items.join(",")}`);
    },
  });
  return { gatherer, log };
}

Deno.test("BatchGatherer gathers the items of one macrotask into one round", async () => {
  const { gatherer, log } = recording<string>();
  await Promise.all(["p0", "p1", "p2"].map((item) => gatherer.add(item)));
  await gatherer.add("next");
  assert.deepEqual(log.filter((line) => line.startsWith("write ")), [
    "write p0,p1,p2",
    "write next",
  ]);
});

Deno.test("BatchGatherer prepares the next round while the previous one is written", async () => {
  const release = Promise.withResolvers<void>();
  const { gatherer, log } = recording<number>((items) =>
    items.includes(1) ? release.promise : Promise.resolve()
  );
  const first = gatherer.add(1);
  await new Promise((resolve) => setTimeout(resolve, 10));
  const second = gatherer.add(2);
  await new Promise((resolve) => setTimeout(resolve, 10));
  assert.deepEqual(log, ["prepare 1", "write 1", "prepare 2"], "round 2 waits to be written");
  release.resolve();
  await Promise.all([first, second]);
  assert.deepEqual(log.slice(3), ["written 1", "write 2", "written 2"]);
});

Deno.test("BatchGatherer settles an item only once its round is written", async () => {
  const release = Promise.withResolvers<void>();
  const { gatherer } = recording<number>(() => release.promise);
  let settled = false;
  const added = gatherer.add(1).then(() => settled = true);
  await new Promise((resolve) => setTimeout(resolve, 10));
  assert.equal(settled, false);
  release.resolve();
  await added;
  assert.equal(settled, true);
});

Deno.test("BatchGatherer fails a round's items, and every later item, with the round's error", async () => {
  let writes = 0;
  const gatherer = new BatchGatherer<number, number[]>({
    prepare: (items) => items,
    write: () => {
      writes++;
      return Promise.reject(new Error("database down"));
    },
  });
  const results = await Promise.allSettled([gatherer.add(1), gatherer.add(2)]);
  assert.deepEqual(results.map((r) => r.status), ["rejected", "rejected"]);
  await assert.rejects(gatherer.add(3), /database down/);
  assert.equal(writes, 1);
});

Deno.test("BatchGatherer does not write a round prepared behind one that failed", async () => {
  const release = Promise.withResolvers<void>();
  const { gatherer, log } = recording<number>(async (items) => {
    if (items.includes(1)) {
      await release.promise;
      throw new Error("lost the connection");
    }
  });
  const first = gatherer.add(1);
  await new Promise((resolve) => setTimeout(resolve, 10));
  const second = gatherer.add(2);
  await new Promise((resolve) => setTimeout(resolve, 10));
  release.resolve();
  const results = await Promise.allSettled([first, second]);
  assert.deepEqual(results.map((r) => r.status), ["rejected", "rejected"]);
  assert.ok(!log.includes("write 2"), log.join("; "));
});

Deno.test("BatchGatherer fails the round whose preparation throws", async () => {
  const gatherer = new BatchGatherer<number, number>({
    prepare: () => {
      throw new Error("bad input");
    },
    write: () => Promise.resolve(),
  });
  await assert.rejects(gatherer.add(1), /bad input/);
  await assert.rejects(gatherer.add(2), /bad input/);
});
