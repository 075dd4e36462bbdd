// A separate process using a FileBus, driven by cross_process_test.ts:
//   publish <dir> <topic> <count>    publish <count> messages (keys k0..k4) and exit
//   member <dir> <topic> <group>     join the group, print "joined", then one line per delivery
import { FileBus } from "../../../../src/adapters/file_bus/bus.ts";

const [mode, dir, topic, arg] = Deno.args;
const bus = await FileBus.open({ dir, heartbeatIntervalMs: 100, sessionTimeoutMs: 1000 });
if (mode === "publish") {
  const messages = Array.from(
    { length: Number(arg) },
    (_, i) => ({ key: `k${i % 5}`, value: `${i}` }),
  );
  await bus.publish(topic, messages);
  await bus.close();
} else {
  const decoder = new TextDecoder();
  await bus.subscribe({
    group: arg,
    topics: [topic],
    handleBatch: (batch) => {
      for (const d of batch.messages) {
        console.log(`${d.partition} ${d.key} ${decoder.decode(d.value)}`);
      }
      return Promise.resolve();
    },
  });
  console.log("joined");
}
