/**
 * The batch KPI step: recomputes `zone_hourly_kpis` of one period from its
 * accepted trips, in one transaction.
 *
 * @module
 */
import { isPeriod } from "../domain/curation/period.ts";
import { ChillFlowError } from "../errors.ts";
import type { Store } from "../ports/store.ts";
import { recomputePeriodKpis } from "../store/kpi_sql.ts";

/** Options of {@linkcode aggregateKpis}. */
export interface AggregateOptions {
  /** The `YYYY-MM` period to recompute. */
  period: string;
}

/** What one aggregation did. */
export interface AggregateSummary {
  /** The recomputed period, `YYYY-MM`. */
  period: string;
  /** Rows of `zone_hourly_kpis` now in the period. */
  zoneHours: number;
  /** Accepted trips they count (sum of `trips`). */
  trips: number;
  /** Wall-clock seconds. */
  seconds: number;
}

/**
 * Replaces the period's `zone_hourly_kpis` rows with fresh ones computed by
 * the shared KPI SQL (`src/store/kpi_sql.ts`). Stale rows of the period go;
 * other periods are untouched.
 *
 * @param store The store holding `trips`.
 * @param options The period.
 * @returns Row and trip counts of the period.
 * @throws {ChillFlowError} `CF_USAGE` for a malformed period.
 *
 * @example
 * ```ts ignore
 * import { aggregateKpis } from "./aggregate_kpis.ts";
 * const summary = await aggregateKpis(store, { period: "2024-01" });
 * ```
 */
export async function aggregateKpis(
  store: Store,
  options: AggregateOptions,
): Promise<AggregateSummary> {
  if (!isPeriod(options.period)) {
    throw new ChillFlowError(
      "CF_USAGE",
      `Cannot aggregate period "${options.period}": expected YYYY-MM`,
    );
  }
  const started = performance.now();
  const [row] = await store.transaction(async (tx) => {
    await recomputePeriodKpis(tx, options.period);
    return await tx.query<{ zone_hours: number; trips: number }>(
      `select count(*)::int as zone_hours, coalesce(sum(trips), 0)::int as trips
       from zone_hourly_kpis where period = $1::date`,
      [`${options.period}-01`],
    );
  });
  return {
    period: options.period,
    zoneHours: row!.zone_hours,
    trips: row!.trips,
    seconds: (performance.now() - started) / 1000,
  };
}
