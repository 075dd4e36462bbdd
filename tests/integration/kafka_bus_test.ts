import { KafkaBus } from "../../src/adapters/kafka/bus.ts";
import { busSuite } from "../ports/bus_suite.ts";
import { requireService } from "../_support/services.ts";

busSuite(
  "integration: KafkaBus",
  async () => {
    const brokers = (await requireService("kafka")).split(",");
    // Short sessions keep rebalances in these tests fast.
    return await KafkaBus.open({ brokers, sessionTimeoutMs: 6000, heartbeatIntervalMs: 500 });
  },
  { sanitize: false },
);
