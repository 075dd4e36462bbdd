import { FileBus } from "../../../../src/adapters/file_bus/bus.ts";
import { busSuite } from "../../../ports/bus_suite.ts";

const dir = await Deno.makeTempDir({ prefix: "cf_file_bus_" });
globalThis.addEventListener("unload", () => Deno.removeSync(dir, { recursive: true }));

busSuite("FileBus", () => FileBus.open({ dir, heartbeatIntervalMs: 100, sessionTimeoutMs: 1000 }));
