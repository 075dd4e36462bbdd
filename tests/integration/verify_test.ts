import assert from "node:assert/strict";
import { PostgresStore } from "../../src/adapters/postgres/store.ts";
import type { SqlClient, Store } from "../../src/ports/store.ts";
import { verifySchemas } from "../../src/pipelines/verify.ts";
import { requireService, testName } from "../_support/services.ts";

const TRIP = `insert into trips (trip_key, period, trip_type, pickup_ts, dropoff_ts, trip_distance,
    pu_location_id, do_location_id, total_amount, duration_s, source_file)
  values ($1, '2024-01-01', 'green', '2024-01-01 10:00', '2024-01-01 10:10', 1, 7, 8, 12.5, 600,
    'g.parquet')`;

/**
 * Lets `write` commit on its own connection right after verify's first query, the
 * statement that takes a `repeatable read` transaction's snapshot.
 */
function writerAfterFirstQuery(store: Store, write: () => Promise<void>) {
  let wrote = false;
  return {
    transaction: <T>(fn: (tx: SqlClient) => Promise<T>) =>
      store.transaction((tx) =>
        fn({
          query: async <T>(sql: string, params?: readonly unknown[]) => {
            const rows = await tx.query<T>(sql, params);
            if (!wrote) {
              wrote = true;
              await write();
            }
            return rows;
          },
          exec: (sql) => tx.exec(sql),
          copyIn: (table, columns, chunks) => tx.copyIn(table, columns, chunks),
        })
      ),
  } satisfies Pick<Store, "transaction">;
}

Deno.test("integration: verify reads one snapshot while a writer commits", async () => {
  const url = await requireService("postgres");
  const [leftName, rightName] = [testName("vl_"), testName("vr_")];
  await using left = await PostgresStore.open({ url, schema: leftName });
  await using right = await PostgresStore.open({ url, schema: rightName });
  try {
    for (const store of [left, right]) await store.query(TRIP, ["a".repeat(32)]);
    // The writer commits after verify's first query and before any table is read: outside
    // one snapshot, its trip would be counted and reported only in the right schema.
    const verifying = writerAfterFirstQuery(left, async () => {
      await right.query(TRIP, ["b".repeat(32)]);
    });
    const report = await verifySchemas(verifying, { left: leftName, right: rightName });
    assert.equal(report.equal, true, JSON.stringify(report.tables[0]));
    assert.deepEqual(report.tables.map((t) => [t.leftRows, t.rightRows]), [[1, 1], [0, 0], [0, 0]]);
    const reread = await verifySchemas(left, { left: leftName, right: rightName });
    assert.equal(reread.tables[0]!.onlyRight, 1, "the writer's trip is there once it is read anew");
  } finally {
    await left.exec(`drop schema "${leftName}" cascade; drop schema "${rightName}" cascade`);
  }
});
