/**
 * Where the assembler keeps partial trips in the Cache, so that another
 * instance (or this one, restarted) continues where it stopped.
 *
 * Layout under one namespace (schema, group and topic):
 * - `p:<trip_key>`: string, the JSON object of the events held (event type ->
 *   event), rewritten whole: one MGET reads every trip of a round;
 * - `i:<partition>`: sorted index of the partition's partial trips by first event time;
 * - `wm`: hash, partition -> latest event time seen (naive epoch ms).
 *
 * Every event of a trip is on one partition, owned by one instance at a time,
 * so no two instances write one trip's string at once.
 *
 * @module
 */
import type { TripEvent, TripEventType } from "../../schemas/trip_event.ts";
import type { PartialTrip } from "../domain/assembly/trip_assembler.ts";
import type { Cache } from "../ports/cache.ts";
import { fromNaiveIso } from "../domain/events/naive_time.ts";

/** The assembler's partial-trip store on a Cache. */
export class PartialCache {
  #cache: Cache;
  #ns: string;

  /** Uses `cache` under namespace `ns`. */
  constructor(cache: Cache, ns: string) {
    this.#cache = cache;
    this.#ns = ns;
  }

  /** The partial trips held for `keys` (only those that exist). */
  async load(keys: readonly string[]): Promise<PartialTrip[]> {
    const values = await this.#cache.get(keys.map((key) => this.#trip(key)));
    const partials: PartialTrip[] = [];
    values.forEach((json, i) => {
      if (json === undefined) return;
      const events = JSON.parse(json) as Partial<Record<TripEventType, TripEvent>>;
      let first = Infinity;
      for (const event of Object.values(events)) {
        first = Math.min(first, fromNaiveIso(event.event_ts));
      }
      if (first !== Infinity) {
        partials.push({ trip_key: keys[i]!, events, first_event_ms: first, expired: false });
      }
    });
    return partials;
  }

  /** Saves live partial trips of `partition` (whole event sets; idempotent). */
  async save(partition: number, partials: readonly PartialTrip[]): Promise<void> {
    if (partials.length === 0) return;
    await this.#cache.set(
      partials.map((partial) => [this.#trip(partial.trip_key), JSON.stringify(partial.events)]),
    );
    await this.#cache.indexAdd(
      this.#index(partition),
      partials.map((p) => ({ member: p.trip_key, score: p.first_event_ms })),
    );
  }

  /** Forgets trips (completed, expired or already stored). */
  async remove(partition: number, keys: readonly string[]): Promise<void> {
    if (keys.length === 0) return;
    // Keys first: an index entry left by a crash between the two is met by the next
    // scan and removed, a key without one would be found by nothing.
    await this.#cache.delete(keys.map((key) => this.#trip(key)));
    await this.#cache.indexRemove(this.#index(partition), keys);
  }

  /** Keys of the partition's partial trips whose first event is at or before `cutoffMs`. */
  async due(partition: number, cutoffMs: number, limit?: number): Promise<string[]> {
    const members = await this.#cache.rangeByScore(this.#index(partition), cutoffMs, { limit });
    return members.map((m) => m.member);
  }

  /** Latest event time seen per partition. */
  async watermarks(): Promise<Map<number, number>> {
    const [hash] = await this.#cache.hashGetAll([`${this.#ns}wm`]);
    return new Map(Object.entries(hash ?? {}).map(([p, ms]) => [Number(p), Number(ms)]));
  }

  /** Records the latest event time seen on a partition. */
  async setWatermark(partition: number, maxEventMs: number): Promise<void> {
    if (!Number.isFinite(maxEventMs)) return;
    await this.#cache.hashSet([{
      key: `${this.#ns}wm`,
      fields: { [partition]: String(maxEventMs) },
    }]);
  }

  #trip(key: string): string {
    return `${this.#ns}p:${key}`;
  }

  #index(partition: number): string {
    return `${this.#ns}i:${partition}`;
  }
}
