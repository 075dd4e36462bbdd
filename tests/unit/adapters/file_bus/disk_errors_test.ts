/**
 * A failing file system reaches the user as `CF_BUS`, as a failing broker does
 * on Kafka, not as "a bug" with a stack. A directory where the bus expects a
 * file fails the way a read-only or full disk does: with the OS's error.
 */
import assert from "node:assert/strict";
import { FileBus } from "../../../../src/adapters/file_bus/bus.ts";
import { ChillFlowError } from "../../../../src/errors.ts";

function busError(dir: string) {
  return (error: unknown) => {
    assert.ok(error instanceof ChillFlowError, String(error));
    assert.equal(error.code, "CF_BUS");
    assert.match(
      error.message,
      new RegExp(`^Cannot use the file bus at "${dir}": .*\\(os error \\d+\\)`),
    );
    return true;
  };
}

Deno.test("FileBus reports a log it cannot write as CF_BUS", async () => {
  const dir = await Deno.makeTempDir({ prefix: "cf_file_bus_disk_" });
  try {
    await using bus = await FileBus.open({ dir });
    await bus.ensureTopic("events", 1);
    await Deno.mkdir(`${dir}/topics/events/0.log`);
    await assert.rejects(bus.publish("events", [{ key: "k", value: "v" }]), busError(dir));
    // The failure does not stick to later calls of other topics.
    await bus.ensureTopic("other", 1);
    await bus.publish("other", [{ key: "k", value: "v" }]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("FileBus reports offsets it cannot read as CF_BUS, on the subscription", async () => {
  const dir = await Deno.makeTempDir({ prefix: "cf_file_bus_disk_" });
  try {
    await using bus = await FileBus.open({ dir, heartbeatIntervalMs: 100 });
    await bus.ensureTopic("events", 1);
    await bus.publish("events", [{ key: "k", value: "v" }]);
    await Deno.mkdir(`${dir}/groups/g/offsets/events/0.json`, { recursive: true });
    const handled: number[] = [];
    const sub = await bus.subscribe({
      group: "g",
      topics: ["events"],
      handleBatch: (batch) => Promise.resolve(void handled.push(batch.messages.length)),
    });
    await assert.rejects(sub.done, busError(dir));
    assert.deepEqual(handled, []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
