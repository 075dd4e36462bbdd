/**
 * Loads the taxi zone lookup into `zones`.
 *
 * @module
 */

import { readZoneCsv, type ZoneRow } from "../io/zone_csv.ts";
import type { SqlClient, Store } from "../ports/store.ts";
import { copyTextField } from "../store/copy_text.ts";

const COLUMNS = ["location_id", "borough", "zone", "service_zone"];

/**
 * Replaces every row of `zones` with `rows`, in one transaction.
 *
 * @param store The store.
 * @param rows Parsed zone rows.
 * @returns The number of zones now in the table.
 *
 * @example
 * ```ts ignore
 * const count = await loadZones(store, parseZoneCsv(text, "taxi_zone_lookup.csv"));
 * ```
 */
export function loadZones(store: Store, rows: readonly ZoneRow[]): Promise<number> {
  return store.transaction(async (tx) => {
    await _lockZones(tx);
    await tx.exec("delete from zones");
    return await tx.copyIn("zones", COLUMNS, _lines(rows));
  });
}

/**
 * Loads the zone lookup from `csvPath` when `zones` is empty; otherwise leaves
 * the table alone. Safe when several processes call it at once.
 *
 * @param store The store.
 * @param csvPath The zone lookup CSV to use when the table is empty.
 * @returns The number of zones loaded (0 when the table already had some).
 * @throws {ChillFlowError} `CF_ZONE_FILE` when the file is needed but missing or malformed.
 *
 * @example
 * ```ts ignore
 * await ensureZones(store, "data/taxi_zone_lookup.csv");
 * ```
 */
export async function ensureZones(store: Store, csvPath: string): Promise<number> {
  if (await _countZones(store) > 0) return 0;
  const rows = await readZoneCsv(csvPath);
  return await store.transaction(async (tx) => {
    await _lockZones(tx);
    // Another process may have loaded them while we read the file.
    if (await _countZones(tx) > 0) return 0;
    return await tx.copyIn("zones", COLUMNS, _lines(rows));
  });
}

async function _countZones(client: SqlClient): Promise<number> {
  const [row] = await client.query<{ n: number }>("select count(*)::int as n from zones");
  return row.n;
}

// Serializes zone loads per schema, so concurrent loads never collide on the primary key.
async function _lockZones(tx: SqlClient): Promise<void> {
  await tx.query("select pg_advisory_xact_lock(hashtext('chillflow.zones.' || current_schema()))");
}

async function* _lines(rows: readonly ZoneRow[]): AsyncGenerator<string> {
  yield rows.map((r) =>
    [r.locationId, r.borough, r.zone, r.serviceZone].map(copyTextField).join("\t") + "\n"
  ).join("");
}
