/**
 * {@linkcode BatchGatherer}: turns handler calls that arrive together into
 * one unit of work, and overlaps preparing a unit with writing the one before.
 *
 * A Kafka consumer hands over the batches of one fetch (one per partition)
 * concurrently; the assembler handles them in one transaction, so fixed
 * costs (round trips, locks, the KPI sums row of a zone-hour that every
 * partition touches) are paid once per fetch instead of once per partition.
 * While one round's transaction runs in the database, the next round is
 * parsed here.
 *
 * @module
 */

/** The two stages of a round. */
export interface RoundStages<T, P> {
  /** Runs as soon as a round is gathered, in order, while earlier rounds may still be written. */
  prepare(items: T[]): P | Promise<P>;
  /** Runs one round at a time, in the order the rounds were gathered. */
  write(prepared: P): Promise<void>;
}

interface Waiting<T> {
  item: T;
  resolve(): void;
  reject(error: unknown): void;
}

/**
 * Gathers the items added in one macrotask into a round; prepares each round
 * at once and writes the rounds one at a time, in order. Each `add` settles
 * when its round is written. After a round fails, every later item fails with
 * the same error: the work is not retried behind the caller's back.
 *
 * @example
 * ```ts
 * import { BatchGatherer } from "./_batch_gatherer.ts";
 * import assert from "node:assert";
 * const written: number[] = [];
 * const gatherer = new BatchGatherer<number, number>({
 *   prepare: (items) => items.reduce((a, b) => a + b),
 *   write: (sum) => Promise.resolve(void written.push(sum)),
 * });
 * await Promise.all([gatherer.add(1), gatherer.add(2), gatherer.add(3)]);
 * assert.deepEqual(written, [6]);
 * ```
 */
export class BatchGatherer<T, P> {
  #stages: RoundStages<T, P>;
  #waiting: Waiting<T>[] = [];
  #gathering = false;
  #prepared: Promise<unknown> = Promise.resolve();
  #written: Promise<void> = Promise.resolve();
  #failure: { error: unknown } | undefined;

  /** Runs `stages` on each round of gathered items. */
  constructor(stages: RoundStages<T, P>) {
    this.#stages = stages;
  }

  /** Adds an item to the next round; settles when that round has been written. */
  add(item: T): Promise<void> {
    if (this.#failure !== undefined) return Promise.reject(this.#failure.error);
    const { promise, resolve, reject } = Promise.withResolvers<void>();
    this.#waiting.push({ item, resolve, reject });
    if (!this.#gathering) {
      this.#gathering = true;
      // Calls made in the same macrotask (one fetch's partitions) join this round.
      setTimeout(() => this.#round(), 0);
    }
    return promise;
  }

  #round(): void {
    this.#gathering = false;
    const round = this.#waiting.splice(0);
    const items = round.map((waiting) => waiting.item);
    const prepared = this.#prepared.then(() => this.#guarded(() => this.#stages.prepare(items)));
    this.#prepared = prepared.catch(() => {});
    const written = Promise.all([this.#written, prepared])
      .then(([, value]) => this.#guarded(() => this.#stages.write(value)));
    this.#written = written;
    written.then(
      () => round.forEach((waiting) => waiting.resolve()),
      (error) => {
        this.#failure ??= { error };
        round.forEach((waiting) => waiting.reject(this.#failure!.error));
      },
    );
  }

  /** Runs a stage unless an earlier round failed. */
  #guarded<R>(stage: () => R | Promise<R>): R | Promise<R> {
    if (this.#failure !== undefined) throw this.#failure.error;
    return stage();
  }
}
