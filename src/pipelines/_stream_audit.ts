/**
 * The stream path's `load_audit` rows: one per source file in the schema's
 * tables, written again from those tables whenever an assembler reaches the
 * end of its input (`--until-idle`). Counting the tables rather than what one
 * process consumed makes the rows the same after a restart, and whichever
 * member of a group ends last, as after one clean run.
 *
 * @module
 */
import { CURATION_REASONS, type CurationReason } from "../../schemas/curation_reason.ts";
import { zeroReasonCounts } from "../domain/curation/reasons.ts";
import type { Store } from "../ports/store.ts";

interface FileCounts {
  tripType: string;
  periods: Set<string>;
  accepted: number;
  incomplete: number;
  rejected: Record<CurationReason, number>;
  rejectedTotal: number;
}

/**
 * Replaces the `path = 'stream'` audit rows with one per source file of
 * `trips`, `rejected_trips` and `incomplete_trips`: accepted = its trips,
 * rejected per reason, rows read = accepted + rejected + incomplete; the
 * period is the file's single period, else null; `started_at` is kept from
 * the file's first stream audit. There is no file hash: events do not carry
 * one.
 *
 * @param store The stream schema's store.
 * @param startedAt When this assembler started (a file's first audit starts then).
 * @example
 * ```ts ignore
 * await writeStreamAudit(store, new Date());
 * ```
 */
export async function writeStreamAudit(store: Store, startedAt: Date): Promise<void> {
  await store.transaction(async (tx) => {
    // Members that end together write one row per file, not one each.
    await tx.query("select pg_advisory_xact_lock(hashtext($1))", [
      `chillflow.stream_audit.${store.schema}`,
    ]);
    const groups = await tx.query<
      {
        source_file: string;
        trip_type: string;
        period: string | null;
        kind: "accepted" | "incomplete" | "rejected";
        reason: string | null;
        n: number;
      }
    >(
      `select source_file, trip_type, to_char(period, 'YYYY-MM-DD') as period, kind, reason,
              count(*)::int as n
         from (select source_file, trip_type, period, 'accepted' as kind, null as reason from trips
               union all
               select source_file, trip_type, period, 'incomplete', null from incomplete_trips
               union all
               select source_file, trip_type, period, 'rejected', reason from rejected_trips) rows
        group by 1, 2, 3, 4, 5
        order by 1`,
    );
    const files = new Map<string, FileCounts>();
    for (const group of groups) {
      let file = files.get(group.source_file);
      if (file === undefined) {
        file = {
          tripType: group.trip_type,
          periods: new Set(),
          accepted: 0,
          incomplete: 0,
          rejected: zeroReasonCounts(),
          rejectedTotal: 0,
        };
        files.set(group.source_file, file);
      }
      file.periods.add(group.period ?? "");
      if (group.kind === "rejected") {
        if ((CURATION_REASONS as readonly string[]).includes(group.reason!)) {
          file.rejected[group.reason as CurationReason] += group.n;
        }
        file.rejectedTotal += group.n;
      } else file[group.kind] += group.n;
    }
    const previous = await tx.query<{ source_file: string; started_at: string }>(
      `select source_file, min(started_at)::text as started_at from load_audit
        where path = 'stream' group by source_file`,
    );
    const firstStarted = new Map(previous.map((row) => [row.source_file, row.started_at]));
    await tx.query("delete from load_audit where path = 'stream'");
    for (const [name, file] of files) {
      const periods = [...file.periods];
      await tx.query(
        `insert into load_audit (path, source_file, file_sha256, period, trip_type, rows_read,
           accepted, rejected, started_at, finished_at)
         values ('stream', $1, null, $2::date, $3, $4, $5, $6::jsonb, $7::timestamptz,
                 clock_timestamp())`,
        [
          name,
          periods.length === 1 && periods[0] !== "" ? periods[0] : null,
          file.tripType,
          file.accepted + file.rejectedTotal + file.incomplete,
          file.accepted,
          JSON.stringify(file.rejected),
          firstStarted.get(name) ?? startedAt.toISOString(),
        ],
      );
    }
  });
}
