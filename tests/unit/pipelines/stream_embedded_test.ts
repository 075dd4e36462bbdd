import assert from "node:assert/strict";
import { FileBus } from "../../../src/adapters/file_bus/bus.ts";
import { MemoryCache } from "../../../src/adapters/memory/cache.ts";
import { PgliteStore } from "../../../src/adapters/pglite/store.ts";
import { aggregateKpis } from "../../../src/pipelines/aggregate_kpis.ts";
import { assembleTrips } from "../../../src/pipelines/assemble_trips.ts";
import { ingestFile } from "../../../src/pipelines/ingest_month.ts";
import { produceEvents } from "../../../src/pipelines/produce_events.ts";
import { verifySchemas } from "../../../src/pipelines/verify.ts";
import { GREEN_2024_01 } from "../../_support/fixtures.ts";

Deno.test("embedded mode: produce + assemble over FileBus, MemoryCache and PGlite equals the batch load", async () => {
  const dir = await Deno.makeTempDir({ prefix: "cf_stream_" });
  try {
    const dataDir = `memory://embedded_${crypto.randomUUID()}`;
    await using batch = await PgliteStore.open({ dataDir, schema: "batch" });
    await ingestFile(batch, GREEN_2024_01);
    await aggregateKpis(batch, { period: "2024-01" });
    await using stream = await PgliteStore.open({ dataDir, schema: "stream" });
    await using cache = await MemoryCache.open();
    await using bus = await FileBus.open({ dir: `${dir}/bus` });
    const produced = await produceEvents(bus, GREEN_2024_01, { duplicateRate: 0.01, seed: 2 });
    assert.equal(produced.events, 55_913 * 3 + produced.duplicated);
    const summary = await assembleTrips({ store: stream, bus, cache }, {
      untilIdle: true,
      idleMs: 1_000,
    });
    assert.equal(summary.completed, 55_913);
    assert.equal(summary.duplicates, produced.duplicated);
    const report = await verifySchemas(stream, { left: "batch", right: "stream" });
    assert.ok(report.equal, JSON.stringify(report.tables, null, 1));
    assert.equal(report.tables[0]!.rightRows, 55_913);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
