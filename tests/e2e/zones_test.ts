/**
 * `deno task zones` end to end on the embedded database, run as a subprocess
 * with exactly the permissions deno.json declares.
 */
import assert from "node:assert/strict";
import { PgliteStore } from "../../src/adapters/pglite/store.ts";
import { repoPath, ZONES_OLDER } from "../_support/fixtures.ts";
import { denoTask } from "../_support/deno_task.ts";
import { testName } from "../_support/services.ts";

/** No DATABASE_URL: the task must use the embedded database. */
function zonesTask(...args: string[]) {
  return denoTask(["zones", ...args]);
}

Deno.test("e2e: zones loads either vintage into the embedded database", async () => {
  const dataDir = `.chillflow/${testName("e2e_zones")}`;
  try {
    const current = await zonesTask("--data-dir", dataDir, "--json");
    assert.equal(current.code, 0, current.stderr);
    assert.deepEqual(
      { ...JSON.parse(current.stdout), seconds: 0 },
      {
        file: repoPath("data/taxi_zone_lookup.csv"),
        store: "pglite",
        schema: "chillflow",
        zones: 265,
        seconds: 0,
      },
    );
    const older = await zonesTask("--data-dir", dataDir, "--file", ZONES_OLDER, "--schema", "old");
    assert.equal(older.code, 0, older.stderr);
    assert.match(older.stdout, /^zones: 265$/m);

    const bad = await zonesTask("--data-dir", dataDir, "--file", repoPath("deno.json"));
    assert.equal(bad.code, 1);
    assert.equal(
      bad.stderr.trim(),
      `zones: CF_ZONE_FILE: Cannot read "${repoPath("deno.json")}": header must be ` +
        "LocationID,Borough,Zone,service_zone, found {",
    );

    for (const [schema, zone264] of [["chillflow", "N/A"], ["old", "NV"]]) {
      await using store = await PgliteStore.open({
        dataDir: repoPath(`${dataDir}/pglite`),
        schema,
      });
      const rows = await store.query("select zone from zones where location_id = 264");
      assert.deepEqual(rows, [{ zone: zone264 }]);
      const [{ n }] = await store.query<{ n: number }>("select count(*)::int as n from zones");
      assert.equal(n, 265);
    }
  } finally {
    await Deno.remove(repoPath(dataDir), { recursive: true }).catch(() => {});
  }
});
