/**
 * A byte buffer for COPY text that hands out whole-line string chunks: rows
 * are encoded straight into bytes (no string per field), and each chunk is
 * decoded once.
 *
 * @module
 */

/** Bytes per chunk handed to `copyIn`: large enough to amortise each await. */
export const CHUNK_BYTES = 1 << 18;
/** Free bytes guaranteed before writing a row (rows with long text reserve more). */
export const ROW_RESERVE = 4096;

const _decoder = new TextDecoder();

/** Accumulates COPY lines; {@linkcode CopyBuffer.take} returns them as one string. */
export class CopyBuffer {
  /** The bytes; write at `pos` after {@linkcode CopyBuffer.reserve}. */
  buf: Uint8Array = new Uint8Array(CHUNK_BYTES + ROW_RESERVE);
  /** End of the written bytes. */
  pos = 0;
  /** Lines written since the last take. */
  rows = 0;

  /** Whether a chunk is ready to send. */
  get full(): boolean {
    return this.pos >= CHUNK_BYTES;
  }

  /** Makes room for `bytes` more bytes. */
  reserve(bytes: number): void {
    if (this.pos + bytes <= this.buf.length) return;
    const grown = new Uint8Array(Math.max(this.buf.length * 2, this.pos + bytes));
    grown.set(this.buf.subarray(0, this.pos));
    this.buf = grown;
  }

  /** The lines written so far, as text; empties the buffer. */
  take(): string {
    const text = _decoder.decode(this.buf.subarray(0, this.pos));
    this.pos = 0;
    this.rows = 0;
    return text;
  }
}

/**
 * Writes `text` as a COPY text field: backslash, tab, newline and carriage
 * return are escaped. The caller reserves `6 * text.length` bytes.
 */
export function writeCopyText(buf: Uint8Array, pos: number, text: string): number {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code > 127) return _writeEscapedUnicode(buf, pos, text.slice(i));
    const escaped = code === 92 ? 92 : code === 9 ? 116 : code === 10 ? 110 : code === 13 ? 114 : 0;
    if (escaped !== 0) {
      buf[pos++] = 92;
      buf[pos++] = escaped;
    } else buf[pos++] = code;
  }
  return pos;
}

const _encoder = new TextEncoder();

function _writeEscapedUnicode(buf: Uint8Array, pos: number, text: string): number {
  const escaped = text.replace(
    /[\\\t\n\r]/g,
    (c) => ({ "\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r" })[c]!,
  );
  return pos + _encoder.encodeInto(escaped, buf.subarray(pos)).written;
}
