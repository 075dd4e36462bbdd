/**
 * The batch path: one Parquet file into `trips` and `rejected_trips`, in one
 * transaction that replaces the file's (trip type, period) scope.
 *
 * @module
 */
import { createHash } from "node:crypto";
import type { ReasonCounts } from "../../schemas/curation_reason.ts";
import type { TripType } from "../../schemas/raw_trip.ts";
import { ChillFlowError } from "../errors.ts";
import { inspectTripFile } from "../io/parquet/inspect_trip_file.ts";
import type { SqlClient, Store } from "../ports/store.ts";
import { EncodedStream } from "./_encoded_stream.ts";
import { loadPeriod } from "./_load_period.ts";
import { REJECTED_COLUMNS, TRIP_COLUMNS } from "./_trip_lines.ts";

/** Options of {@linkcode ingestFile}. */
export interface IngestOptions {
  /**
   * `YYYY-MM`; defaults to the file name's period, else none (rows take their
   * pickup month). One that contradicts the file name is refused (`CF_USAGE`).
   */
  period?: string;
  /** The trip type, for a file whose columns and name do not tell; a contradiction is `CF_USAGE`. */
  tripType?: TripType;
  /** Told how many rows are done, as they are encoded; `total` is the file's row count. */
  progress?: (rowsDone: number, total: number) => void;
}

/** What one ingest did. */
export interface IngestSummary {
  /** Base name of the file. */
  file: string;
  /** The load's period, or null when the rows took their pickup months. */
  period: string | null;
  /** The file's trip type: from its columns or name, unless `tripType` overrode it. */
  tripType: TripType;
  /** Rows in the file; each went to `trips` or `rejected_trips`. */
  rowsRead: number;
  /** Rows that passed curation, now in `trips`. */
  accepted: number;
  /** Rejected rows per reason, every reason present. */
  rejected: ReasonCounts;
  /** Wall-clock seconds of the whole load. */
  seconds: number;
  /** `rowsRead` per wall-clock second, rounded. */
  rowsPerSecond: number;
}

/**
 * Loads one TLC Parquet file. In one transaction it deletes the previous load
 * of the same scope (trips of its trip type and period, or of the same file;
 * rejected rows likewise), copies accepted rows into `trips` and rejected rows
 * with their reason into `rejected_trips`, and writes one `load_audit` row.
 * Running it twice leaves the same tables as running it once; a failure
 * leaves the previous data untouched. Memory is bounded by one row group.
 *
 * @param store The store to load into.
 * @param path The Parquet file.
 * @param options Period, trip type override and progress callback.
 * @returns Counts per reason and throughput.
 * @throws {ChillFlowError} `CF_INPUT_FILE` / `CF_PARQUET_SCHEMA` for a bad file.
 *
 * @example
 * ```ts ignore
 * import { ingestFile } from "./ingest_month.ts";
 * const summary = await ingestFile(store, "data/green_tripdata_2024-01.parquet");
 * console.log(summary.accepted); // 55913
 * ```
 */
export async function ingestFile(
  store: Store,
  path: string,
  options: IngestOptions = {},
): Promise<IngestSummary> {
  const started = new Date();
  const info = await inspectTripFile(path, { tripType: options.tripType });
  const period = loadPeriod(info.sourceFile, options.period);
  const tripType = info.tripType;
  let done = 0;
  using stream = new EncodedStream({
    path,
    tripType,
    period,
    expectedRows: info.rows,
    sourceFileBytes: new TextEncoder().encode(_copyEscape(info.sourceFile)),
  }, (rows) => {
    done += rows;
    options.progress?.(done, info.rows);
  });
  // Hashed while the worker starts decoding.
  const fileSha256 = await _sha256(path, info.sourceFile);
  const totals = await _loadOnce(store, info.sourceFile, period, async (tx) => {
    await _deleteScope(tx, { tripType, period, sourceFile: info.sourceFile });
    let message = await stream.next();
    while (message.kind !== "done") {
      const kind = message.kind;
      const run = async function* (): AsyncGenerator<string> {
        while (message.kind === kind) {
          yield message.chunk;
          message = await stream.next();
        }
      };
      if (kind === "trips") await tx.copyIn("trips", TRIP_COLUMNS, run());
      else await tx.copyIn("rejected_trips", REJECTED_COLUMNS, run());
    }
    await tx.query(
      `insert into load_audit (path, source_file, file_sha256, period, trip_type, rows_read,
         accepted, rejected, started_at, finished_at)
       values ('batch', $1, $2, $3::date, $4, $5, $6, $7::text::jsonb, $8::timestamptz,
         clock_timestamp())`,
      [
        info.sourceFile,
        fileSha256,
        period === undefined ? null : `${period}-01`,
        tripType,
        message.rowsRead,
        message.accepted,
        JSON.stringify(message.rejected),
        started.toISOString(),
      ],
    );
    return message;
  });
  const seconds = (Date.now() - started.getTime()) / 1000;
  return {
    file: info.sourceFile,
    period: period ?? null,
    tripType,
    rowsRead: totals.rowsRead,
    accepted: totals.accepted,
    rejected: totals.rejected,
    seconds,
    rowsPerSecond: seconds > 0 ? Math.round(totals.rowsRead / seconds) : 0,
  };
}

/**
 * Runs the load's transaction. A trip another load holds fails it on `trips_pkey`
 * (only a load without a period can meet one: a month's load replaces the month):
 * that conflict is reported with the file that holds the trip.
 */
async function _loadOnce<T>(
  store: Store,
  sourceFile: string,
  period: string | undefined,
  load: (tx: SqlClient) => Promise<T>,
): Promise<T> {
  try {
    return await store.transaction(load);
  } catch (error) {
    const { code, detail } = error as { code?: unknown; detail?: unknown };
    const key = /^Key \(trip_key\)=\(([^)]+)\)/.exec(typeof detail === "string" ? detail : "");
    if (code !== "23505" || !/"trips_pkey"/.test(String(error)) || key === null) throw error;
    const [holder] = await store.query<{ source_file: string }>(
      "select source_file from trips where trip_key = $1",
      [key[1]],
    );
    const other = holder === undefined ? "another load" : `"${holder.source_file}"`;
    const why = period === undefined
      ? "a load without a period replaces only its own file's earlier load"
      : "a trip is loaded once";
    throw new ChillFlowError(
      "CF_STORE",
      `Cannot load "${sourceFile}": trip ${key[1]} is already loaded from ${other}, and ${why}`,
      { cause: error },
    );
  }
}

/** What a load replaces: its month of its trip type, or (without a period) its file. */
interface _Scope {
  tripType: TripType;
  period: string | undefined;
  sourceFile: string;
}

/**
 * Deletes what a load replaces: its month of its trip type, and every earlier
 * load of the same file, found in `load_audit` (every load writes its row in
 * its own transaction). An earlier load with a period is deleted through the
 * (period, trip type) index; `trips` has no index on `source_file`, and a
 * delete by file alone scans the whole table, so only an earlier load without
 * a period (its rows took their pickup months) is deleted that way.
 */
async function _deleteScope(
  tx: SqlClient,
  scope: _Scope,
): Promise<void> {
  await _lockScope(tx, scope);
  const earlier = await tx.query<{ trip_type: string; period: string | null }>(
    `select distinct trip_type, to_char(period, 'YYYY-MM') as period
     from load_audit where source_file = $1`,
    [scope.sourceFile],
  );
  const deletes: [string, unknown[]][] = [];
  if (scope.period !== undefined) {
    deletes.push(["trip_type = $1 and period = $2::date", [scope.tripType, `${scope.period}-01`]]);
  }
  for (const load of earlier) {
    if (load.period === null) {
      deletes.push(["source_file = $1", [scope.sourceFile]]);
    } else if (load.trip_type !== scope.tripType || load.period !== scope.period) {
      deletes.push([
        "trip_type = $1 and period = $2::date and source_file = $3",
        [load.trip_type, `${load.period}-01`, scope.sourceFile],
      ]);
    }
  }
  for (const [where, params] of deletes) {
    await tx.query(`delete from trips where ${where}`, params);
    await tx.query(`delete from rejected_trips where ${where}`, params);
  }
}

/**
 * Loads of one month, or of one file, replace each other one at a time: without
 * the locks, a concurrent load's delete misses the other's uncommitted rows, and
 * the month ends with both files' trips (or the second load fails on a duplicate
 * key). A select list is evaluated left to right: the month's lock comes first,
 * so no load waits for it while holding a file's.
 */
async function _lockScope(
  tx: SqlClient,
  scope: _Scope,
): Promise<void> {
  const lock = (key: string) =>
    `pg_advisory_xact_lock(hashtext('chillflow.ingest.' || current_schema() || '.' || ${key}))`;
  const file = lock("'file.' || $1::text");
  if (scope.period === undefined) {
    await tx.query(`select ${file}`, [scope.sourceFile]);
  } else {
    await tx.query(
      `select ${lock("'month.' || $2::text || '.' || $3::text")}, ${file}`,
      [scope.sourceFile, scope.tripType, scope.period],
    );
  }
}

async function _sha256(path: string, name: string): Promise<string> {
  const hash = createHash("sha256");
  try {
    const file = await Deno.open(path, { read: true });
    // The readable closes the file when it ends or fails.
    for await (const chunk of file.readable) hash.update(chunk);
  } catch (error) {
    throw new ChillFlowError(
      "CF_INPUT_FILE",
      `Cannot read "${name}": ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
  return hash.digest("hex");
}

function _copyEscape(text: string): string {
  return text.replace(
    /[\\\t\n\r]/g,
    (c) => ({ "\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r" })[c]!,
  );
}
