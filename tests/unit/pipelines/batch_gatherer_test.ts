import assert from "node:assert";
import { BatchGatherer } from "../../../src/pipelines/_batch_gatherer.ts";

Deno.test("BatchGatherer gathers the items of one macrotask into one round", async () => {
  const rounds: string[][] = [];
  const gatherer = new BatchGatherer<string>((items) => Promise.resolve(void rounds.push(items)));
  await Promise.all(["p0", "p1", "p2"].map((item) => gatherer.add(item)));
  await gatherer.add("next");
  assert.deepEqual(rounds, [["p0", "p1", "p2"], ["next"]]);
});

Deno.test("BatchGatherer runs one round at a time; items added meanwhile form the next", async () => {
  const rounds: number[][] = [];
  let running = 0;
  let overlapped = false;
  const release = Promise.withResolvers<void>();
  const gatherer = new BatchGatherer<number>(async (items) => {
    overlapped ||= running > 0;
    running++;
    rounds.push(items);
    if (items.includes(1)) await release.promise;
    running--;
  });
  const first = gatherer.add(1);
  await new Promise((resolve) => setTimeout(resolve, 10));
  const later = [gatherer.add(2), gatherer.add(3)];
  release.resolve();
  await Promise.all([first, ...later]);
  assert.deepEqual(rounds, [[1], [2, 3]]);
  assert.equal(overlapped, false);
});

Deno.test("BatchGatherer fails a round's items, and every later item, with the round's error", async () => {
  let calls = 0;
  const gatherer = new BatchGatherer<number>(() => {
    calls++;
    return Promise.reject(new Error("database down"));
  });
  const results = await Promise.allSettled([gatherer.add(1), gatherer.add(2)]);
  assert.deepEqual(results.map((r) => r.status), ["rejected", "rejected"]);
  await assert.rejects(gatherer.add(3), /database down/);
  assert.equal(calls, 1);
});
