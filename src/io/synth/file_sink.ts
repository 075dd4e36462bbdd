/**
 * A hyparquet-writer `Writer` that streams to a file: the writer calls
 * `flush()` after every row group, so only one encoded row group is in memory.
 *
 * @module
 */
import { ByteWriter } from "hyparquet-writer";

/**
 * A `ByteWriter` whose bytes go to an open file at each `flush()`.
 *
 * @example Write a small file
 * ```ts ignore
 * import { ParquetWriter } from "hyparquet-writer";
 * import { FileSink } from "./file_sink.ts";
 * const sink = new FileSink(await Deno.open("x.parquet", { write: true, create: true }));
 * const writer = new ParquetWriter({ writer: sink, schema: [{ name: "root", num_children: 0 }] });
 * await writer.finish();
 * ```
 */
export class FileSink extends ByteWriter {
  #file: Deno.FsFile;
  #closed = false;

  /** Wraps an open, writable file; `finish()` closes it. */
  constructor(file: Deno.FsFile) {
    super(1 << 20);
    this.#file = file;
  }

  /** Writes the buffered bytes to the file and empties the buffer. */
  async flush(): Promise<void> {
    let written = 0;
    const bytes = new Uint8Array(this.buffer, 0, this.index);
    while (written < bytes.length) written += await this.#file.write(bytes.subarray(written));
    this.index = 0;
  }

  /** Flushes the rest and closes the file. */
  override finish(): Promise<void> {
    return this.flush().finally(() => this.close());
  }

  /** Closes the file without flushing (idempotent); for error paths. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#file.close();
  }
}
