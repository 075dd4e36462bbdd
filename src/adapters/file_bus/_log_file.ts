import { Buffer } from "node:buffer";

/** One stored message. */
export interface LogRecord {
  key: string | null;
  value: Uint8Array;
}

/** Records read from a partition log, and the byte position after the last one. */
export interface LogRead {
  records: LogRecord[];
  next: number;
}

const NEWLINE = 0x0a;
const CHUNK = 1 << 20;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * Appends records as NDJSON lines (`{"k": key, "v": base64}`) and flushes them
 * to disk. Callers hold the topic lock. A line torn by a crash is cut off first.
 */
export async function appendRecords(path: string, records: readonly LogRecord[]): Promise<void> {
  const text = records
    .map((r) => JSON.stringify({ k: r.key, v: Buffer.from(r.value).toString("base64") }) + "\n")
    .join("");
  using file = await Deno.open(path, { create: true, read: true, write: true });
  const size = (await file.stat()).size;
  const end = await _lastCompleteLineEnd(file, size);
  if (end !== size) await file.truncate(end);
  await file.seek(end, Deno.SeekMode.Start);
  const bytes = encoder.encode(text);
  for (let written = 0; written < bytes.length;) {
    written += await file.write(bytes.subarray(written));
  }
  await file.syncData();
}

/** Up to `max` complete records starting at byte `position` (a missing log is empty). */
export async function readRecords(path: string, position: number, max: number): Promise<LogRead> {
  let file: Deno.FsFile;
  try {
    file = await Deno.open(path, { read: true });
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return { records: [], next: position };
    throw error;
  }
  using _ = file;
  await file.seek(position, Deno.SeekMode.Start);
  const records: LogRecord[] = [];
  let next = position;
  let pending = new Uint8Array(0);
  while (records.length < max) {
    const chunk = new Uint8Array(CHUNK);
    const n = await file.read(chunk);
    if (n === null) break;
    const data = _concat(pending, chunk.subarray(0, n));
    let start = 0;
    for (let i = data.indexOf(NEWLINE); i !== -1 && records.length < max;) {
      records.push(_parse(data.subarray(start, i)));
      next += i + 1 - start;
      start = i + 1;
      i = data.indexOf(NEWLINE, start);
    }
    pending = data.slice(start);
  }
  return { records, next };
}

/** How many complete records the log holds and where they end (for "start at the end"). */
export async function logEnd(path: string): Promise<{ count: number; position: number }> {
  let count = 0;
  let position = 0;
  for (;;) {
    const { records, next } = await readRecords(path, position, 100_000);
    if (records.length === 0) return { count, position };
    count += records.length;
    position = next;
  }
}

function _parse(line: Uint8Array): LogRecord {
  const { k, v } = JSON.parse(decoder.decode(line)) as { k: string | null; v: string };
  const value = Buffer.from(v, "base64");
  return { key: k, value: new Uint8Array(value.buffer, value.byteOffset, value.byteLength) };
}

function _concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

async function _lastCompleteLineEnd(file: Deno.FsFile, size: number): Promise<number> {
  let end = size;
  const buf = new Uint8Array(4096);
  while (end > 0) {
    const from = Math.max(0, end - buf.length);
    await file.seek(from, Deno.SeekMode.Start);
    const n = (await file.read(buf.subarray(0, end - from))) ?? 0;
    const at = buf.subarray(0, n).lastIndexOf(NEWLINE);
    if (at !== -1) return from + at + 1;
    end = from;
  }
  return 0;
}
