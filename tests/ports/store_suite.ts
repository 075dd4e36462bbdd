/**
 * The Store port contract, run against every adapter: `storeSuite()` registers
 * one `Deno.test` per behaviour. Each test opens stores on fresh schemas
 * `cf_test_<random>` and drops them afterwards.
 *
 * @module
 */

import assert from "node:assert/strict";
import type { Store } from "../../src/ports/store.ts";
import { MIGRATIONS } from "../../src/store/migrations.ts";
import { testName } from "../_support/services.ts";

/** Opens a store on `schema`; every call for one suite must reach the same database. */
export type OpenStore = (schema: string) => Promise<Store>;

// The agreed layout (/tmp/tables.md): "column type", plus " not null" where required.
const EXPECTED_COLUMNS: Record<string, string[]> = {
  incomplete_trips: [
    "trip_key text not null",
    "period date not null",
    "trip_type text not null",
    "source_file text not null",
    "missing text[] not null",
    "events jsonb not null",
    "first_event_ts timestamp without time zone not null",
    "expired_at timestamp with time zone not null",
  ],
  kpi_hour_sums: [
    "zone_id integer not null",
    "hour_ts timestamp without time zone not null",
    "period date not null",
    "source integer not null",
    "trips bigint not null",
    "revenue_cents numeric not null",
    "fare_trips bigint not null",
    "fare_cents numeric not null",
    "tip_trips bigint not null",
    "tip_cents numeric not null",
    "distance_um numeric not null",
    "duration_us numeric not null",
    "speed_nkmh numeric not null",
    "card_trips bigint not null",
    "passengers numeric not null",
  ],
  kpi_stale_hours: [
    "stamp bigint not null",
    "zone_id integer not null",
    "hour_ts timestamp without time zone not null",
  ],
  load_audit: [
    "load_id bigint not null",
    "path text not null",
    "source_file text not null",
    "file_sha256 text",
    "period date",
    "trip_type text not null",
    "rows_read bigint not null",
    "accepted bigint not null",
    "rejected jsonb not null",
    "started_at timestamp with time zone not null",
    "finished_at timestamp with time zone not null",
  ],
  rejected_trips: [
    "source_file text not null",
    "source_row bigint not null",
    "trip_key text not null",
    "period date",
    "trip_type text not null",
    "reason text not null",
    "raw jsonb not null",
  ],
  schema_migrations: [
    "version integer not null",
    "name text not null",
    "applied_at timestamp with time zone not null",
  ],
  trips: [
    "trip_key text not null",
    "period date not null",
    "trip_type text not null",
    "vendor_id integer",
    "pickup_ts timestamp without time zone not null",
    "dropoff_ts timestamp without time zone not null",
    "passenger_count integer",
    "trip_distance double precision not null",
    "ratecode_id integer",
    "store_and_fwd_flag text",
    "pu_location_id integer not null",
    "do_location_id integer not null",
    "payment_type integer",
    ...["fare_amount", "extra", "mta_tax", "tip_amount", "tolls_amount", "improvement_surcharge"]
      .map((c) => `${c} numeric(12,2)`),
    "total_amount numeric(12,2) not null",
    ...["congestion_surcharge", "airport_fee", "cbd_congestion_fee", "ehail_fee"]
      .map((c) => `${c} numeric(12,2)`),
    "trip_type_code integer",
    "duration_s double precision not null",
    "source_file text not null",
  ],
  zone_hourly_kpis: [
    "period date not null",
    "zone_id integer not null",
    "hour_ts timestamp without time zone not null",
    "trips integer not null",
    "revenue numeric(14,2) not null",
    ...["avg_fare", "avg_tip", "avg_distance_km", "avg_duration_min", "avg_speed_kmh"]
      .map((c) => `${c} numeric(14,4)`),
    "pct_card numeric(7,4)",
    "passengers bigint not null",
  ],
  zones: [
    "location_id integer not null",
    "borough text not null",
    "zone text not null",
    "service_zone text not null",
  ],
};

const EXPECTED_INDEXES = [
  "incomplete_trips_pkey",
  "kpi_hour_sums_pkey",
  "kpi_stale_hours_pkey",
  "load_audit_pkey",
  "rejected_trips_period_idx",
  "rejected_trips_pkey",
  "schema_migrations_pkey",
  "trips_period_type_idx",
  "trips_pkey",
  "zone_hourly_kpis_period_idx",
  "zone_hourly_kpis_pkey",
  "zones_pkey",
];

const ZONE_COLUMNS = ["location_id", "borough", "zone", "service_zone"];

async function* _lines(lines: Iterable<string>, perChunk = 1): AsyncGenerator<string> {
  let chunk = "";
  let n = 0;
  for (const line of lines) {
    chunk += line + "\n";
    if (++n % perChunk === 0) {
      yield chunk;
      chunk = "";
    }
  }
  if (chunk !== "") yield chunk;
}

function* _zoneLines(from: number, to: number): Generator<string> {
  for (let i = from; i <= to; i++) yield `${i}\tB${i % 5}\tZone ${i}\tS`;
}

/**
 * Registers the Store contract tests for one adapter.
 *
 * @param name Test name prefix, e.g. `"PgliteStore"` or `"integration: PostgresStore"`.
 * @param openStore Opens a store on a schema of one shared database.
 */
export function storeSuite(name: string, openStore: OpenStore): void {
  // Opens stores on fresh schemas, runs `fn`, then drops the schemas and closes.
  async function withStores(
    count: number,
    fn: (stores: Store[], schemas: string[]) => Promise<void>,
  ): Promise<void> {
    const schemas = Array.from({ length: count }, () => testName());
    const stores: Store[] = [];
    try {
      for (const schema of schemas) stores.push(await openStore(schema));
      await fn(stores, schemas);
    } finally {
      for (const [i, store] of stores.entries()) {
        await store.exec(`drop schema if exists "${schemas[i]}" cascade`);
        await store.close();
      }
    }
  }

  Deno.test(`${name} applies migrations once, even when opened concurrently`, async () => {
    const schema = testName();
    const stores = await Promise.all([openStore(schema), openStore(schema), openStore(schema)]);
    try {
      const again = await openStore(schema);
      await again.close();
      const rows = await stores[0].query<{ version: number; name: string }>(
        "select version, name from schema_migrations order by version",
      );
      assert.deepEqual(rows, MIGRATIONS.map(({ version, name }) => ({ version, name })));
      assert.equal(stores[1].schema, schema);
    } finally {
      await stores[0].exec(`drop schema "${schema}" cascade`);
      for (const store of stores) await store.close();
    }
  });

  Deno.test(`${name} creates every agreed table with its columns and indexes`, async () => {
    await withStores(1, async ([store], [schema]) => {
      const columns = await store.query<{ table: string; column: string }>(
        `select c.relname as table,
                a.attname || ' ' || format_type(a.atttypid, a.atttypmod)
                  || case when a.attnotnull then ' not null' else '' end as column
           from pg_attribute a
           join pg_class c on c.oid = a.attrelid
           join pg_namespace n on n.oid = c.relnamespace
          where n.nspname = $1 and c.relkind = 'r' and a.attnum > 0 and not a.attisdropped
          order by c.relname, a.attnum`,
        [schema],
      );
      const actual: Record<string, string[]> = {};
      for (const { table, column } of columns) (actual[table] ??= []).push(column);
      assert.deepEqual(actual, EXPECTED_COLUMNS);
      const indexes = await store.query<{ name: string }>(
        "select indexname as name from pg_indexes where schemaname = $1 order by indexname",
        [schema],
      );
      assert.deepEqual(indexes.map((i) => i.name), EXPECTED_INDEXES);
    });
  });

  Deno.test(`${name} transaction() rolls back everything when fn throws`, async () => {
    await withStores(1, async ([store]) => {
      const boom = new Error("boom");
      await assert.rejects(
        store.transaction(async (tx) => {
          await tx.query("insert into zones values ($1, $2, $3, $4)", [1, "B", "Z", "S"]);
          await tx.copyIn("zones", ZONE_COLUMNS, _lines(_zoneLines(2, 10)));
          throw boom;
        }),
        (error) => error === boom,
      );
      const [row] = await store.query<{ n: number }>("select count(*)::int as n from zones");
      assert.equal(row.n, 0);
      const result = await store.transaction(async (tx) => {
        await tx.exec("insert into zones values (1, 'B', 'Z', 'S')");
        return 42;
      });
      assert.equal(result, 42);
      assert.deepEqual(await store.query("select location_id from zones"), [{ location_id: 1 }]);
    });
  });

  Deno.test(`${name} copyIn() loads nothing when the source or the data fails`, async () => {
    await withStores(1, async ([store]) => {
      async function* failing(): AsyncGenerator<string> {
        yield* _lines(_zoneLines(1, 80_000), 10_000);
        throw new Error("source failed");
      }
      await assert.rejects(store.copyIn("zones", ZONE_COLUMNS, failing()), /source failed/);
      await assert.rejects(
        store.copyIn("zones", ZONE_COLUMNS, _lines(["1\tB\tZ\tS", "x\tB\tZ\tS"])),
        /invalid input syntax for type integer/,
      );
      await assert.rejects(
        store.transaction((tx) =>
          tx.copyIn("zones", ZONE_COLUMNS, _lines(["1\tB\tZ\tS", "1\tB\tZ\tS"]))
        ),
        /duplicate key/,
      );
      const [row] = await store.query<{ n: number }>("select count(*)::int as n from zones");
      assert.equal(row.n, 0);
    });
  });

  Deno.test(`${name} copyIn() loads nulls, escapes, numerics and naive timestamps exactly`, async () => {
    await withStores(1, async ([store]) => {
      const columns = [
        "trip_key",
        "period",
        "trip_type",
        "pickup_ts",
        "dropoff_ts",
        "trip_distance",
        "pu_location_id",
        "do_location_id",
        "total_amount",
        "duration_s",
        "source_file",
        "passenger_count",
        "store_and_fwd_flag",
        "fare_amount",
      ];
      const lines = [
        "k1\t2024-03-01\tyellow\t2024-03-10 02:30:00\t2024-03-10 02:45:30.5\t1.25\t1\t2\t10.5\t930.5\tf.parquet\t\\N\t\\N\t1.005",
        "k2\t2024-11-01\tgreen\t2024-11-03 01:30:00\t2024-11-03 01:59:59\t0\t264\t265\t-3\t1799\ta\\\\b.parquet\t0\tt\\tab\\nc\\\\d\\re\t\\N",
      ];
      assert.equal(await store.copyIn("trips", columns, _lines(lines)), 2);
      const read = await store.transaction(async (tx) => {
        // Naive timestamps must not move with the session's (or the process's) time zone.
        await tx.exec("set local TimeZone to 'Pacific/Chatham'");
        return await tx.query(
          `select trip_key, period, pickup_ts, dropoff_ts, trip_distance, total_amount, duration_s,
                  source_file, passenger_count, store_and_fwd_flag, fare_amount
             from trips order by trip_key`,
        );
      });
      assert.deepEqual(read, [
        {
          trip_key: "k1",
          period: "2024-03-01",
          pickup_ts: "2024-03-10 02:30:00",
          dropoff_ts: "2024-03-10 02:45:30.5",
          trip_distance: 1.25,
          total_amount: "10.50",
          duration_s: 930.5,
          source_file: "f.parquet",
          passenger_count: null,
          store_and_fwd_flag: null,
          fare_amount: "1.01",
        },
        {
          trip_key: "k2",
          period: "2024-11-01",
          pickup_ts: "2024-11-03 01:30:00",
          dropoff_ts: "2024-11-03 01:59:59",
          trip_distance: 0,
          total_amount: "-3.00",
          duration_s: 1799,
          source_file: "a\\b.parquet",
          passenger_count: 0,
          store_and_fwd_flag: "t\tab\nc\\d\re",
          fare_amount: null,
        },
      ]);
      const [hit] = await store.query<{ trip_key: string }>(
        "select trip_key from trips where pickup_ts = $1 and store_and_fwd_flag = $2",
        ["2024-11-03 01:30:00", "t\tab\nc\\d\re"],
      );
      assert.equal(hit.trip_key, "k2");
    });
  });

  Deno.test(`${name} copyIn() streams many chunks and counts every row`, async () => {
    await withStores(1, async ([store]) => {
      const copied = await store.copyIn(
        "zones",
        ZONE_COLUMNS,
        _lines(_zoneLines(1, 150_000), 7_000),
      );
      assert.equal(copied, 150_000);
      const [row] = await store.query<{ n: number; total: string }>(
        "select count(*)::int as n, sum(location_id) as total from zones",
      );
      assert.deepEqual(row, { n: 150_000, total: String(150_000 * 150_001 / 2) });
      assert.equal(await store.copyIn("zones", ZONE_COLUMNS, _lines([])), 0);
    });
  });

  Deno.test(`${name} query() passes parameters and returns values with the same JS types`, async () => {
    await withStores(1, async ([store]) => {
      await store.query(
        `insert into incomplete_trips (trip_key, period, trip_type, source_file, missing, events,
           first_event_ts, expired_at) values ($1, $2, $3, $4, $5, $6, $7, $8)`,
        [
          "k1",
          "2024-01-01",
          "green",
          "g.parquet",
          ["trip_ended", "payment_processed"],
          { trip_started: { v: 1, pu: 132 } },
          "2024-01-31 23:59:59.5",
          "2024-02-01 04:00:00+00",
        ],
      );
      const rows = await store.query(
        `select trip_key, period, missing, events, first_event_ts, expired_at,
                1::int4 as int4, 2::int8 as int8, 0.5::float8 as float8, 1.10::numeric(5,2) as money,
                true as flag, null::text as nothing, count(*) over () as n
           from incomplete_trips where first_event_ts = $1 and period = $2`,
        ["2024-01-31 23:59:59.5", "2024-01-01"],
      );
      assert.deepEqual(rows, [{
        trip_key: "k1",
        period: "2024-01-01",
        missing: ["trip_ended", "payment_processed"],
        events: { trip_started: { v: 1, pu: 132 } },
        first_event_ts: "2024-01-31 23:59:59.5",
        expired_at: "2024-02-01 04:00:00+00",
        int4: 1,
        int8: "2",
        float8: 0.5,
        money: "1.10",
        flag: true,
        nothing: null,
        n: "1",
      }]);
    });
  });

  Deno.test(`${name} query() takes a json parameter as JSON text or as a value`, async () => {
    await withStores(1, async ([store]) => {
      const rows = await store.query(
        `select $1::jsonb as from_text, $2::jsonb as from_value, $3::json as scalar,
                (select count(*)::int from jsonb_array_elements($1::jsonb)) as n`,
        ['[{"z": 1}, {"z": 2}]', [{ z: 1 }, { z: 2 }], '"just text"'],
      );
      assert.deepEqual(rows, [{
        from_text: [{ z: 1 }, { z: 2 }],
        from_value: [{ z: 1 }, { z: 2 }],
        scalar: "just text",
        n: 2,
      }]);
    });
  });

  Deno.test(`${name} keeps schemas isolated from each other`, async () => {
    await withStores(2, async ([a, b], [schemaA, schemaB]) => {
      assert.equal(a.schema, schemaA);
      assert.equal(b.schema, schemaB);
      await a.exec("insert into zones values (7, 'A', 'only in a', 'S')");
      await b.copyIn("zones", ZONE_COLUMNS, _lines(["8\tB\tonly in b\tS", "9\tB\tonly in b\tS"]));
      // Interleaved on purpose: a shared embedded session must switch schemas per call.
      const [inA, inB, againA] = await Promise.all([
        a.query("select location_id from zones order by 1"),
        b.query("select location_id from zones order by 1"),
        a.query("select count(*)::int as n from zones"),
      ]);
      assert.deepEqual(inA, [{ location_id: 7 }]);
      assert.deepEqual(inB, [{ location_id: 8 }, { location_id: 9 }]);
      assert.deepEqual(againA, [{ n: 1 }]);
    });
  });
}
