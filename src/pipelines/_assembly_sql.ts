/**
 * The assembler's database side: the statements of a round's transaction
 * (the KPI sums are `addHourSums`, in `src/store/kpi_sql.ts`).
 * List parameters travel as one JSON text, so both Store adapters bind them alike.
 *
 * @module
 */
import type { TripEvent, TripEventType, TripRejectMessage } from "../../schemas/trip_event.ts";
import {
  type CompletedTrip,
  missingTypes,
  type PartialTrip,
} from "../domain/assembly/trip_assembler.ts";
import type { CurationVerdicts } from "../domain/curation/curate_batch.ts";
import { monthIndexOfPeriod } from "../domain/curation/period.ts";
import { TRIP_KEY_BYTES, writeKeyBytes } from "../domain/curation/trip_key.ts";
import { toNaiveIso } from "../domain/events/naive_time.ts";
import { batchFromRows } from "../domain/raw_trip_batch.ts";
import type { SqlClient } from "../ports/store.ts";
import { CopyBuffer } from "./_copy_buffer.ts";
import { TRIP_COLUMNS, writeTripLine } from "./_trip_lines.ts";

const _encoder = new TextEncoder();
const _LOCK_PREFIX = "'chillflow.assemble.' || current_schema() || '.'";

/** A topic partition whose rounds must not overlap. */
export interface PartitionRef {
  /** Topic name. */
  topic: string;
  /** Partition number. */
  partition: number;
}

/**
 * Takes the transaction-scoped advisory locks of the given topic partitions,
 * always in (topic, partition) order, so no two rounds wait for each other
 * crosswise. Rounds of one partition then run one at a time (a member still
 * finishing a round after a rebalance, and the partition's new owner), while
 * rounds of different partitions, and so different members, run in
 * parallel: a trip's events share its key, hence a partition, so two rounds
 * that hold different partitions never complete or expire the same trip.
 *
 * @example
 * ```ts ignore
 * await store.transaction(async (tx) => {
 *   await lockPartitions(tx, [{ topic: "trip-events", partition: 3 }]);
 * });
 * ```
 */
export async function lockPartitions(
  tx: SqlClient,
  refs: readonly PartitionRef[],
): Promise<void> {
  const sorted = [...new Map(refs.map((r) => [`${r.topic}\0${r.partition}`, r])).values()]
    .sort((a, b) => a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition);
  if (sorted.length === 0) return;
  const params: (string | number)[] = [];
  // A select list is evaluated left to right: the locks are taken in this order.
  const locks = sorted.map(({ topic, partition }) => {
    const n = params.push(topic, partition);
    return `pg_advisory_xact_lock(hashtext(${_LOCK_PREFIX} || $${n - 1}::text), $${n}::int)`;
  });
  await tx.query(`select ${locks.join(", ")}`, params);
}

/** What the store knows of some trip keys: those already stored, and the expired partials. */
export interface StoredState {
  /** Keys already in `trips` (empty when they were not looked up). */
  done: string[];
  /** Partial trips in `incomplete_trips`. */
  expired: PartialTrip[];
}

/**
 * The expired partials of `keys` in `incomplete_trips` and, with
 * `lookUpTrips`, the keys already in `trips`, in one round trip.
 */
export async function storedState(
  tx: SqlClient,
  keys: readonly string[],
  lookUpTrips: boolean,
): Promise<StoredState> {
  if (keys.length === 0) return { done: [], expired: [] };
  const stored = lookUpTrips
    ? `select t.trip_key, null as events, null::float8 as first_ms
       from trips t where t.trip_key in (select trip_key from k)
     union all`
    : "";
  const rows = await tx.query<
    { trip_key: string; events: string | null; first_ms: number | null }
  >(
    `with k as (select jsonb_array_elements_text($1::text::jsonb) as trip_key)
     ${stored}
     select i.trip_key, i.events::text, (extract(epoch from i.first_event_ts) * 1000)::float8 as first_ms
       from incomplete_trips i where i.trip_key in (select trip_key from k)`,
    [JSON.stringify(keys)],
  );
  const state: StoredState = { done: [], expired: [] };
  for (const row of rows) {
    if (row.events === null) state.done.push(row.trip_key);
    else {
      state.expired.push({
        trip_key: row.trip_key,
        events: JSON.parse(row.events) as Partial<Record<TripEventType, TripEvent>>,
        first_event_ms: row.first_ms!,
        expired: true,
      });
    }
  }
  return state;
}

/** The keys among `keys` that are in `trips`. */
export async function storedTripKeys(
  tx: SqlClient,
  keys: readonly string[],
): Promise<Set<string>> {
  if (keys.length === 0) return new Set();
  const rows = await tx.query<{ trip_key: string }>(
    `select trip_key from trips
     where trip_key in (select jsonb_array_elements_text($1::text::jsonb))`,
    [JSON.stringify(keys)],
  );
  return new Set(rows.map((row) => row.trip_key));
}

/**
 * Whether `error` is a completed trip's insert meeting the same key in
 * `trips` (PostgreSQL's unique violation, as either adapter reports it).
 */
export function isStoredTripConflict(error: unknown): boolean {
  const e = error as { code?: unknown; constraint?: unknown; constraint_name?: unknown } | null;
  return e?.code === "23505" && (e.constraint ?? e.constraint_name) === "trips_pkey";
}

/**
 * Inserts completed trips with COPY (the batch path's encoding) and removes
 * the ones that had expired from `incomplete_trips`.
 *
 * A plain COPY, with no staging and no `ON CONFLICT`: the caller holds the
 * locks of the trips' partitions ({@linkcode lockPartitions}), and a key
 * already in `trips` fails the transaction ({@linkcode isStoredTripConflict}),
 * which the caller then writes again having looked up every key
 * ({@linkcode storedState}); only assemblers write the stream schema.
 */
export async function writeCompleted(
  tx: SqlClient,
  trips: readonly CompletedTrip[],
): Promise<void> {
  if (trips.length === 0) return;
  const groups = new Map<string, CompletedTrip[]>();
  for (const trip of trips) {
    const group = `${trip.row.trip_type}\t${trip.source_file}`;
    const members = groups.get(group);
    if (members === undefined) groups.set(group, [trip]);
    else members.push(trip);
  }
  async function* chunks(): AsyncGenerator<string> {
    const out = new CopyBuffer();
    for (const group of groups.values()) {
      const first = group[0]!;
      const batch = batchFromRows(group.map((t) => t.row), {
        tripType: first.row.trip_type,
        sourceFile: first.source_file,
      });
      const verdicts = _verdicts(group);
      const sourceFileBytes = _encoder.encode(_copyEscape(first.source_file));
      for (let i = 0; i < group.length; i++) {
        writeTripLine(out, batch, verdicts, i, sourceFileBytes);
        if (out.full) yield out.take();
      }
    }
    if (out.pos > 0) yield out.take();
  }
  await tx.copyIn("trips", TRIP_COLUMNS, chunks());
  await deleteIncomplete(tx, trips.filter((t) => t.was_expired).map((t) => t.trip_key));
}

/** Deletes the `incomplete_trips` rows of trips that left it (completed, or dead-lettered). */
export async function deleteIncomplete(tx: SqlClient, tripKeys: readonly string[]): Promise<void> {
  if (tripKeys.length === 0) return;
  await tx.query(
    "delete from incomplete_trips where trip_key in (select jsonb_array_elements_text($1::text::jsonb))",
    [JSON.stringify(tripKeys)],
  );
}

/** Writes expired partial trips to `incomplete_trips` (replacing what an earlier expiry wrote). */
export async function writeIncomplete(
  tx: SqlClient,
  partials: readonly PartialTrip[],
): Promise<void> {
  if (partials.length === 0) return;
  const rows = partials.map((partial) => {
    const any = Object.values(partial.events)[0]!;
    return {
      trip_key: partial.trip_key,
      period: `${any.period}-01`,
      trip_type: any.trip_type,
      source_file: any.source_file,
      missing: missingTypes(partial),
      events: partial.events,
      first_event_ts: toNaiveIso(partial.first_event_ms),
    };
  });
  await tx.query(
    `insert into incomplete_trips (trip_key, period, trip_type, source_file, missing, events, first_event_ts)
     select trip_key, period, trip_type, source_file, missing, events, first_event_ts
     from jsonb_to_recordset($1::text::jsonb) as x(trip_key text, period date, trip_type text,
       source_file text, missing text[], events jsonb, first_event_ts timestamp)
     on conflict (trip_key) do update set missing = excluded.missing, events = excluded.events,
       first_event_ts = excluded.first_event_ts`,
    [JSON.stringify(rows)],
  );
}

/** Inserts rejected rows; a row already stored (same file and row) is left as is. */
export async function writeRejects(
  tx: SqlClient,
  rejects: readonly TripRejectMessage[],
): Promise<void> {
  if (rejects.length === 0) return;
  const rows = rejects.map((r) => ({ ...r, period: r.period === null ? null : `${r.period}-01` }));
  await tx.query(
    `insert into rejected_trips (source_file, source_row, trip_key, period, trip_type, reason, raw)
     select source_file, source_row, trip_key, period, trip_type, reason, raw
     from jsonb_to_recordset($1::text::jsonb) as x(source_file text, source_row bigint, trip_key text,
       period date, trip_type text, reason text, raw jsonb)
     on conflict (source_file, source_row) do nothing`,
    [JSON.stringify(rows)],
  );
}

/** The two verdict columns `writeTripLine` reads: keys and periods. */
function _verdicts(trips: readonly CompletedTrip[]): CurationVerdicts {
  const keys = new Uint8Array(trips.length * TRIP_KEY_BYTES);
  const periods = new Int32Array(trips.length);
  let period = "";
  let monthIndex = 0;
  trips.forEach((trip, i) => {
    writeKeyBytes(trip.trip_key, keys, i * TRIP_KEY_BYTES);
    // A group's trips nearly always share one period.
    if (trip.period !== period) monthIndex = monthIndexOfPeriod(period = trip.period);
    periods[i] = monthIndex;
  });
  return {
    length: trips.length,
    codes: new Uint8Array(trips.length),
    keys,
    periods,
    accepted: trips.length,
  } as CurationVerdicts;
}

function _copyEscape(text: string): string {
  return text.replace(
    /[\\\t\n\r]/g,
    (c) => ({ "\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r" })[c]!,
  );
}
