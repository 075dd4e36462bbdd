import assert from "node:assert/strict";
import { PgliteStore } from "../../../src/adapters/pglite/store.ts";
import { readZoneCsv } from "../../../src/io/zone_csv.ts";
import { ensureZones, loadZones } from "../../../src/pipelines/load_zones.ts";
import { ZONES_CURRENT, ZONES_OLDER } from "../../_support/fixtures.ts";
import { testName } from "../../_support/services.ts";

const DATA_DIR = "memory://load_zones_test";
await PgliteStore.open({ dataDir: DATA_DIR, schema: "keeper" });

const ZONES_SQL = `select location_id, borough, zone, service_zone from zones
  where location_id in (1, 264, 265) order by location_id`;

Deno.test("loadZones() replaces the whole table with either vintage", async () => {
  await using store = await PgliteStore.open({ dataDir: DATA_DIR, schema: testName() });
  assert.equal(await loadZones(store, await readZoneCsv(ZONES_OLDER)), 265);
  assert.equal(await loadZones(store, await readZoneCsv(ZONES_CURRENT)), 265);
  assert.deepEqual(await store.query("select count(*)::int as n from zones"), [{ n: 265 }]);
  assert.deepEqual(await store.query(ZONES_SQL), [
    { location_id: 1, borough: "EWR", zone: "Newark Airport", service_zone: "EWR" },
    { location_id: 264, borough: "Unknown", zone: "N/A", service_zone: "N/A" },
    { location_id: 265, borough: "N/A", zone: "Outside of NYC", service_zone: "N/A" },
  ]);
  const failing = loadZones(store, [
    { locationId: 1, borough: "a", zone: "b", serviceZone: "c" },
    { locationId: 1, borough: "a", zone: "b", serviceZone: "c" },
  ]);
  await assert.rejects(failing, /duplicate key/);
  assert.deepEqual(await store.query("select count(*)::int as n from zones"), [{ n: 265 }]);
});

Deno.test("ensureZones() loads the file only into an empty table", async () => {
  await using store = await PgliteStore.open({ dataDir: DATA_DIR, schema: testName() });
  await assert.rejects(ensureZones(store, "/nonexistent/zones.csv"), { code: "CF_ZONE_FILE" });
  const loads = await Promise.all([
    ensureZones(store, ZONES_OLDER),
    ensureZones(store, ZONES_OLDER),
  ]);
  assert.deepEqual(loads.sort(), [0, 265]);
  assert.equal(await ensureZones(store, "/nonexistent/zones.csv"), 0);
  assert.deepEqual((await store.query(ZONES_SQL)).map((r) => r.zone), [
    "Newark Airport",
    "NV",
    "NA",
  ]);
});
