/**
 * Keeps the stream schema's KPIs current outside the rounds: rounds only
 * mark the zone-hours they touched, and this recomputes the marked ones in
 * transactions of its own while the next round is assembled. At most one
 * refresh runs at a time; requests that arrive meanwhile fold into one more,
 * so a busy assembler recomputes a zone-hour once per refresh instead of once
 * per round.
 *
 * @module
 */
import type { Store } from "../ports/store.ts";
import { refreshStaleHourKpis, STALE_MARKS_PER_REFRESH } from "../store/kpi_sql.ts";

/** Recomputes stale zone-hour KPIs in the background, one refresh at a time. */
export class KpiRefresher {
  #store: Store;
  #running: Promise<void> | undefined;
  #requested = false;
  #failure: { error: unknown } | undefined;

  /** A refresher of `store`'s schema; nothing runs until a request. */
  constructor(store: Store) {
    this.#store = store;
  }

  /**
   * Starts a refresh, or one more after the refresh under way. Returns at
   * once; throws what an earlier background refresh threw.
   *
   * @example
   * ```ts ignore
   * const refresher = new KpiRefresher(store);
   * await writeRound(context, round);
   * refresher.request();
   * ```
   */
  request(): void {
    if (this.#failure !== undefined) throw this.#failure.error;
    this.#requested = true;
    this.#running ??= this.#loop().finally(() => this.#running = undefined);
  }

  /**
   * Refreshes until no zone-hour is left stale, after the refresh under way;
   * throws what a background refresh threw.
   *
   * @example
   * ```ts ignore
   * await subscription.stop();
   * await refresher.drain();
   * ```
   */
  async drain(): Promise<void> {
    await this.#running;
    if (this.#failure !== undefined) throw this.#failure.error;
    while (await this.#refresh() === STALE_MARKS_PER_REFRESH) { /* more marks are left */ }
  }

  async #loop(): Promise<void> {
    try {
      while (this.#requested) {
        this.#requested = false;
        if (await this.#refresh() === STALE_MARKS_PER_REFRESH) this.#requested = true;
      }
    } catch (error) {
      this.#failure = { error };
    }
  }

  #refresh(): Promise<number> {
    return this.#store.transaction((tx) => refreshStaleHourKpis(tx));
  }
}
