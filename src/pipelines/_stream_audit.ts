/**
 * The stream path's `load_audit` rows: written when an assembler stops at the
 * end of its input (`--until-idle`), one per source file it saw, with counts
 * read from the tables (so rows handled by other instances count too).
 *
 * @module
 */
import { CURATION_REASONS } from "../../schemas/curation_reason.ts";
import { zeroReasonCounts } from "../domain/curation/reasons.ts";
import type { Store } from "../ports/store.ts";

/** A source file seen by the assembler, with its trip type and the periods of its rows. */
export interface SeenFile {
  tripType: string;
  /** `YYYY-MM` periods seen ("" for rows without one). */
  periods: Set<string>;
}

/**
 * Inserts one `path = 'stream'` audit row per file: accepted = its trips,
 * rejected per reason, rows read = accepted + rejected + incomplete. The
 * period is the file's single period, else null; there is no file hash.
 */
export async function writeStreamAudit(
  store: Store,
  files: ReadonlyMap<string, SeenFile>,
  startedAt: Date,
): Promise<void> {
  for (const [file, seen] of files) {
    await store.transaction(async (tx) => {
      const [counts] = await tx.query<{ accepted: number; incomplete: number }>(
        `select (select count(*)::int from trips where source_file = $1) as accepted,
           (select count(*)::int from incomplete_trips where source_file = $1) as incomplete`,
        [file],
      );
      const rejected = zeroReasonCounts();
      const byReason = await tx.query<{ reason: string; n: number }>(
        "select reason, count(*)::int as n from rejected_trips where source_file = $1 group by reason",
        [file],
      );
      let rejectedTotal = 0;
      for (const { reason, n } of byReason) {
        if ((CURATION_REASONS as readonly string[]).includes(reason)) {
          rejected[reason as keyof typeof rejected] = n;
        }
        rejectedTotal += n;
      }
      const periods = [...seen.periods];
      const period = periods.length === 1 && periods[0] !== "" ? `${periods[0]}-01` : null;
      await tx.query(
        `insert into load_audit (path, source_file, file_sha256, period, trip_type, rows_read,
           accepted, rejected, started_at, finished_at)
         values ('stream', $1, null, $2::date, $3, $4, $5, $6::jsonb, $7::timestamptz, clock_timestamp())`,
        [
          file,
          period,
          seen.tripType,
          counts!.accepted + rejectedTotal + counts!.incomplete,
          counts!.accepted,
          JSON.stringify(rejected),
          startedAt.toISOString(),
        ],
      );
    });
  }
}
