import assert from "node:assert/strict";
import { PgliteStore } from "../../../src/adapters/pglite/store.ts";
import { ChillFlowError } from "../../../src/errors.ts";
import type { SqlClient } from "../../../src/ports/store.ts";
import {
  renderVerifyReport,
  type VerifyOptions,
  verifySchemas,
} from "../../../src/pipelines/verify.ts";

async function twoSchemas() {
  const dataDir = `memory://verify_${crypto.randomUUID()}`;
  const left = await PgliteStore.open({ dataDir, schema: "vleft" });
  const right = await PgliteStore.open({ dataDir, schema: "vright" });
  const trip =
    `insert into trips (trip_key, period, trip_type, pickup_ts, dropoff_ts, trip_distance,
      pu_location_id, do_location_id, total_amount, duration_s, source_file, tip_amount)
    values ('${"a".repeat(32)}', '2024-01-01', 'green', '2024-01-01 10:00', '2024-01-01 10:10', 1,
      7, 8, 12.5, 600, 'g.parquet', $1)`;
  for (const store of [left, right]) await store.query(trip, [1]);
  return {
    left,
    right,
    async [Symbol.asyncDispose]() {
      await left.close();
      await right.close();
    },
  };
}

Deno.test("verifySchemas() finds equal schemas equal", async () => {
  await using schemas = await twoSchemas();
  const { left } = schemas;
  const report = await verifySchemas(left, { left: "vleft", right: "vright" });
  assert.equal(report.equal, true);
  assert.deepEqual(report.tables.map((t) => t.leftRows), [1, 0, 0]);
  assert.match(renderVerifyReport(report), /identical/);
});

Deno.test("verifySchemas() reports a differing column with sample rows, both ways", async () => {
  await using schemas = await twoSchemas();
  const { left, right } = schemas;
  await right.query("update trips set tip_amount = 2");
  await right.query(
    `insert into rejected_trips (source_file, source_row, trip_key, trip_type, reason, raw)
    values ('g.parquet', 3, '${"b".repeat(32)}', 'green', 'duplicate', '{}')`,
  );
  const report = await verifySchemas(left, { left: "vleft", right: "vright", period: "2024-01" });
  assert.equal(report.equal, false);
  const [trips] = report.tables;
  assert.equal(trips!.onlyLeft, 1);
  assert.equal(trips!.onlyRight, 1);
  assert.match(trips!.sampleRight[0]!, /"tip_amount":2/);
  assert.equal(report.tables[1]!.onlyRight, 0, "a reject without a period is outside --period");
  const all = await verifySchemas(left, { left: "vleft", right: "vright" });
  assert.equal(all.tables[1]!.onlyRight, 1);
  assert.match(renderVerifyReport(all), /DIFFERENT/);
});

Deno.test("verifySchemas() compares every column of rejected rows, not only key and reason", async () => {
  await using schemas = await twoSchemas();
  const { left, right } = schemas;
  const reject = `insert into rejected_trips (source_file, source_row, trip_key, period, trip_type,
      reason, raw) values ('g.parquet', 3, 'k', '2024-01-01', 'green', 'duplicate', '{"a":1}')`;
  for (const store of [left, right]) await store.query(reject);
  const tampers = [
    "period = '2023-12-01'",
    "period = null",
    "trip_type = 'yellow'",
    `raw = '{"a":2}'`,
  ];
  for (const tamper of tampers) {
    await right.query(`update rejected_trips set ${tamper}`);
    const report = await verifySchemas(left, { left: "vleft", right: "vright" });
    assert.deepEqual([report.tables[1]!.onlyLeft, report.tables[1]!.onlyRight], [1, 1], tamper);
    await right.query("delete from rejected_trips");
    await right.query(reject);
  }
  assert.equal((await verifySchemas(left, { left: "vleft", right: "vright" })).equal, true);
});

Deno.test("verifySchemas() refuses a schema that does not exist", async () => {
  await using schemas = await twoSchemas();
  const { left } = schemas;
  await assert.rejects(
    () => verifySchemas(left, { left: "vleft", right: "nowhere" }),
    (e: unknown) => e instanceof ChillFlowError && /"nowhere": it does not exist/.test(e.message),
  );
});

Deno.test("verifySchemas() refuses a schema without ChillFlow tables", async () => {
  await using schemas = await twoSchemas();
  const { left } = schemas;
  await left.exec("create schema plain");
  await assert.rejects(
    () => verifySchemas(left, { left: "vleft", right: "plain" }),
    (e: unknown) =>
      e instanceof ChillFlowError &&
      /"plain": it has no ChillFlow table trips, rejected_trips, zone_hourly_kpis/.test(e.message),
  );
});

Deno.test("a store opened without migrations leaves a missing schema missing, so verify can refuse it", async () => {
  const dataDir = `memory://verify_${crypto.randomUUID()}`;
  await using right = await PgliteStore.open({ dataDir, schema: "vright" });
  await using reader = await PgliteStore.open({ dataDir, schema: "typo", migrate: false });
  await assert.rejects(
    () => verifySchemas(reader, { left: "typo", right: "vright" }),
    (e: unknown) => e instanceof ChillFlowError && /"typo": it does not exist/.test(e.message),
  );
  const [found] = await right.query<{ n: number }>(
    "select count(*)::int as n from pg_namespace where nspname = 'typo'",
  );
  assert.equal(found!.n, 0);
});

Deno.test("verifySchemas() refuses a limit or period it cannot bind as such, before any SQL", async () => {
  await using schemas = await twoSchemas();
  const { left } = schemas;
  const refusals: [Partial<VerifyOptions>, RegExp][] = [
    [{ limit: -1 }, /sample limit must be an integer from 0 to 1000, not -1/],
    [{ limit: 1001 }, /not 1001/],
    [{ limit: 1e21 }, /not 1e\+21/],
    [{ limit: 2.5 }, /not 2\.5/],
    // Once pasted into the SQL text, this ran as a query of its own.
    [
      { limit: "0) s) as x, (select current_user) as sample --" as unknown as number },
      /not 0\) s\)/,
    ],
    [{ period: "2024-13" }, /period must be YYYY-MM, not "2024-13"/],
  ];
  for (const [options, message] of refusals) {
    let queried = false;
    const watched = {
      transaction: <T>(fn: (tx: SqlClient) => Promise<T>) => {
        queried = true;
        return left.transaction(fn);
      },
    };
    await assert.rejects(
      () => verifySchemas(watched, { left: "vleft", right: "vright", ...options }),
      (e: unknown) =>
        e instanceof ChillFlowError && e.code === "CF_CONFIG" && message.test(e.message),
    );
    assert.equal(queried, false, JSON.stringify(options));
  }
  const [trips] =
    (await verifySchemas(left, { left: "vleft", right: "vright", limit: 1000 })).tables;
  assert.equal(trips!.leftRows, 1);
});
