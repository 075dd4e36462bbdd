/**
 * {@linkcode BatchGatherer}: turns handler calls that arrive together into
 * one unit of work.
 *
 * A Kafka consumer hands over the batches of one fetch (one per partition)
 * concurrently; the assembler handles them in one transaction, so fixed costs
 * (round trips, the KPI recompute of a zone-hour that every partition touches)
 * are paid once per fetch instead of once per partition.
 *
 * @module
 */

interface Waiting<T> {
  item: T;
  resolve(): void;
  reject(error: unknown): void;
}

/**
 * Gathers the items added in one macrotask (and those added while a round
 * runs) into rounds that run one at a time. Each `add` settles with its round.
 * After a round fails, every later item fails with the same error: the work
 * is not retried behind the caller's back.
 *
 * @example
 * ```ts
 * import { BatchGatherer } from "./_batch_gatherer.ts";
 * import assert from "node:assert";
 * const rounds: number[][] = [];
 * const gatherer = new BatchGatherer<number>((items) => Promise.resolve(void rounds.push(items)));
 * await Promise.all([gatherer.add(1), gatherer.add(2), gatherer.add(3)]);
 * assert.deepEqual(rounds, [[1, 2, 3]]);
 * ```
 */
export class BatchGatherer<T> {
  #work: (items: T[]) => Promise<void>;
  #waiting: Waiting<T>[] = [];
  #loop: Promise<void> | undefined;
  #failure: { error: unknown } | undefined;

  /** Runs `work` on each round of gathered items. */
  constructor(work: (items: T[]) => Promise<void>) {
    this.#work = work;
  }

  /** Adds an item to the next round; settles when that round has run. */
  add(item: T): Promise<void> {
    if (this.#failure !== undefined) return Promise.reject(this.#failure.error);
    const { promise, resolve, reject } = Promise.withResolvers<void>();
    this.#waiting.push({ item, resolve, reject });
    this.#loop ??= this.#run();
    return promise;
  }

  async #run(): Promise<void> {
    // Calls made in the same macrotask (one fetch's partitions) join this round.
    await new Promise((resolve) => setTimeout(resolve, 0));
    while (this.#waiting.length > 0) {
      const round = this.#waiting.splice(0);
      if (this.#failure !== undefined) {
        for (const waiting of round) waiting.reject(this.#failure.error);
        continue;
      }
      try {
        await this.#work(round.map((waiting) => waiting.item));
        for (const waiting of round) waiting.resolve();
      } catch (error) {
        this.#failure = { error };
        for (const waiting of round) waiting.reject(error);
      }
    }
    this.#loop = undefined;
  }
}
