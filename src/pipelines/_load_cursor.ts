/**
 * Walks a file's batches once, curating each and encoding its rows into two
 * COPY buffers, so `trips` and `rejected_trips` can be fed from one read
 * through alternating COPY statements on one connection.
 *
 * @module
 */
import type { RawTripBatch } from "../domain/raw_trip_batch.ts";
import {
  curateBatch,
  type CurationState,
  type CurationVerdicts,
} from "../domain/curation/curate_batch.ts";
import { ACCEPTED, type ReasonCounts, zeroReasonCounts } from "../domain/curation/reasons.ts";
import { CopyBuffer } from "./_copy_buffer.ts";
import { writeRejectedLine, writeTripLine } from "./_trip_lines.ts";

/** Rejected lines held back before the `trips` COPY pauses to flush them. */
const REJECTED_FLUSH_BYTES = 1 << 20;

/**
 * One pass over a file's batches: curates each batch and encodes accepted
 * rows as `trips` lines and rejected rows as `rejected_trips` lines. Pull
 * {@linkcode LoadCursor.tripChunks} then {@linkcode LoadCursor.rejectedChunks}
 * until {@linkcode LoadCursor.done}.
 */
export class LoadCursor {
  /** Pending `trips` lines. */
  readonly trips: CopyBuffer = new CopyBuffer();
  /** Pending `rejected_trips` lines. */
  readonly rejectedLines: CopyBuffer = new CopyBuffer();
  /** Rows curated so far. */
  rowsRead = 0;
  /** Rows accepted so far. */
  accepted = 0;
  /** Rows rejected so far, per reason. */
  readonly rejected: ReasonCounts = zeroReasonCounts();
  /** Whether the file has no more batches. */
  done = false;
  #batches: AsyncIterator<RawTripBatch>;
  #state: CurationState;
  #sourceFile: Uint8Array;
  #onRows: (rows: number) => void;
  #batch: RawTripBatch | undefined;
  #verdicts: CurationVerdicts | undefined;
  #next = 0;

  constructor(
    batches: AsyncIterable<RawTripBatch>,
    state: CurationState,
    sourceFileBytes: Uint8Array,
    onRows: (rows: number) => void,
  ) {
    this.#batches = batches[Symbol.asyncIterator]();
    this.#state = state;
    this.#sourceFile = sourceFileBytes;
    this.#onRows = onRows;
  }

  /** Whether enough rejected lines wait that `trips` should pause for them. */
  get rejectedFull(): boolean {
    return this.rejectedLines.pos >= REJECTED_FLUSH_BYTES;
  }

  /**
   * Yields `trips` chunks until the file ends or rejected lines pile up.
   * The first pull reads ahead, so an empty `trips` COPY is never started.
   */
  async *tripChunks(): AsyncGenerator<string> {
    while (!this.done && !this.rejectedFull) {
      await this.#fill();
      if (this.trips.pos > 0 && (this.trips.full || this.done || this.rejectedFull)) {
        yield this.trips.take();
      }
    }
  }

  /** Yields the pending rejected lines as one chunk. */
  async *rejectedChunks(): AsyncGenerator<string> {
    if (this.rejectedLines.pos > 0) yield await Promise.resolve(this.rejectedLines.take());
  }

  /** Encodes rows until the trips buffer is full, rejects pile up, or the file ends. */
  async #fill(): Promise<void> {
    const trips = this.trips, rejectedLines = this.rejectedLines, file = this.#sourceFile;
    while (!trips.full && !this.rejectedFull) {
      if (this.#batch === undefined || this.#next >= this.#batch.length) {
        // Let go of the finished batch first: it may be the last view of a
        // row group that the reader's next decode would otherwise sit beside.
        this.#batch = undefined;
        this.#verdicts = undefined;
        const step = await this.#batches.next();
        if (step.done) {
          this.done = true;
          return;
        }
        this.#batch = step.value;
        this.#verdicts = curateBatch(step.value, this.#state);
        this.#next = 0;
        this.#count(this.#verdicts);
      }
      const batch = this.#batch, verdicts = this.#verdicts!, codes = verdicts.codes;
      const start = this.#next;
      let i = start;
      for (; i < batch.length && !trips.full && !this.rejectedFull; i++) {
        if (codes[i] === ACCEPTED) writeTripLine(trips, batch, verdicts, i, file);
        else writeRejectedLine(rejectedLines, batch, verdicts, i, file);
      }
      this.#next = i;
      this.#onRows(i - start);
    }
  }

  #count(verdicts: CurationVerdicts): void {
    this.rowsRead += verdicts.length;
    this.accepted += verdicts.accepted;
    for (const reason of Object.keys(this.rejected) as (keyof ReasonCounts)[]) {
      this.rejected[reason] += verdicts.rejected[reason];
    }
  }
}
