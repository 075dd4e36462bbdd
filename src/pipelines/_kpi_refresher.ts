/**
 * Keeps the stream schema's KPIs current outside the rounds: rounds only
 * mark the zone-hours they touched, and this recomputes the marked ones in
 * transactions of its own while the next round is assembled. At most one
 * refresh runs at a time, and the next starts no sooner than `minIntervalMs`
 * after it; requests that arrive meanwhile fold into that one, so a busy
 * assembler recomputes a zone-hour once per refresh instead of once per round.
 * (The partitions' rounds cover the same hours: refreshing after every round
 * recomputed each zone-hour several times, about an eighth of what
 * PostgreSQL did for the assembler.)
 *
 * @module
 */
import type { Store } from "../ports/store.ts";
import { refreshStaleHourKpis, STALE_MARKS_PER_REFRESH } from "../store/kpi_sql.ts";

/** Options of {@linkcode KpiRefresher}. */
export interface KpiRefresherOptions {
  /** Least time from the start of one refresh to the start of the next, ms. @default 1000 */
  minIntervalMs?: number;
}

/** Recomputes stale zone-hour KPIs in the background, one refresh at a time. */
export class KpiRefresher {
  #store: Store;
  #minIntervalMs: number;
  #running: Promise<void> | undefined;
  #requested = false;
  #failure: { error: unknown } | undefined;
  #wake: (() => void) | undefined;
  #lastStart = -Infinity;
  #draining = false;

  /** A refresher of `store`'s schema; nothing runs until a request. */
  constructor(store: Store, options: KpiRefresherOptions = {}) {
    this.#store = store;
    this.#minIntervalMs = options.minIntervalMs ?? 1000;
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
    this.#running ??= this.#loop();
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
    // A refresh waiting for its turn, now or after the one under way, runs at once.
    this.#draining = true;
    this.#wake?.();
    try {
      await this.#running;
      if (this.#failure !== undefined) throw this.#failure.error;
      while (await this.#refresh() === STALE_MARKS_PER_REFRESH) { /* more marks are left */ }
    } finally {
      this.#draining = false;
    }
  }

  async #loop(): Promise<void> {
    try {
      while (this.#requested) {
        await this.#pause(this.#lastStart + this.#minIntervalMs);
        this.#requested = false;
        this.#lastStart = performance.now();
        if (await this.#refresh() === STALE_MARKS_PER_REFRESH) this.#requested = true;
      }
    } catch (error) {
      this.#failure = { error };
    } finally {
      // In the step that saw no request left: a `.finally` callback would run a microtask
      // later, and a request made in between would find a loop that already ended.
      this.#running = undefined;
    }
  }

  /** Waits until `until` (a `performance.now()` time) or until `drain` wakes it. */
  async #pause(until: number): Promise<void> {
    // Timers may fire a fraction of a millisecond early by performance.now(), so wait again.
    for (
      let ms = until - performance.now();
      ms > 0 && !this.#draining;
      ms = until - performance.now()
    ) {
      const { promise, resolve } = Promise.withResolvers<void>();
      const timer = setTimeout(resolve, Math.ceil(ms));
      this.#wake = resolve;
      await promise;
      clearTimeout(timer);
      this.#wake = undefined;
    }
  }

  #refresh(): Promise<number> {
    return this.#store.transaction((tx) => refreshStaleHourKpis(tx));
  }
}
