/**
 * Writes numbers and naive timestamps as ASCII bytes straight into a buffer,
 * so that hashing 3 M canonical rows and encoding them for `COPY` allocate
 * no string per field. Both the `trip_key` text and the `COPY` text use these
 * functions, so they agree by construction.
 *
 * @module
 */

const DIGIT_0 = 48;
const MS_PER_DAY = 86_400_000;
const FAST_LIMIT = 1e15;
const _encoder = new TextEncoder();

/**
 * Writes `x` exactly as JavaScript's `String(x)` (shortest round-trip; `-0`
 * gives `0`) at `buf[pos..]` and returns the position after it. Integers and
 * values with at most two decimals take a fast path; others fall back to `String`.
 * The caller provides at least 32 free bytes.
 *
 * @example
 * ```ts
 * import { writeNumber } from "./ascii_format.ts";
 * import assert from "node:assert";
 * const buf = new Uint8Array(32);
 * const end = writeNumber(buf, 0, -12.8);
 * assert.equal(new TextDecoder().decode(buf.subarray(0, end)), "-12.8");
 * ```
 */
export function writeNumber(buf: Uint8Array, pos: number, x: number): number {
  if (Number.isInteger(x) && x < FAST_LIMIT && x > -FAST_LIMIT) {
    if (x < 0) {
      buf[pos++] = 45;
      x = -x;
    }
    return _writeUint(buf, pos, x);
  }
  const cents = Math.round(x * 100);
  if (cents / 100 === x && cents < FAST_LIMIT && cents > -FAST_LIMIT) {
    // x is the double nearest to cents/100, and <= 15 significant digits are
    // always the unique shortest round-trip form: String(x) is this decimal.
    let abs = cents;
    if (abs < 0) {
      buf[pos++] = 45;
      abs = -abs;
    }
    const whole = Math.floor(abs / 100);
    const frac = abs - whole * 100;
    pos = _writeUint(buf, pos, whole);
    buf[pos++] = 46;
    buf[pos++] = DIGIT_0 + Math.floor(frac / 10);
    if (frac % 10 !== 0) buf[pos++] = DIGIT_0 + (frac % 10);
    return pos;
  }
  return writeAscii(buf, pos, String(x));
}

/**
 * Writes a naive timestamp (epoch milliseconds of a wall-clock time read as
 * UTC) as `YYYY-MM-DD<sep>HH:MM:SS`, plus `.sss` when the milliseconds are
 * non-zero. Sub-millisecond parts are dropped. Returns the position after it.
 *
 * @example
 * ```ts
 * import { writeNaiveTimestamp } from "./ascii_format.ts";
 * import assert from "node:assert";
 * const buf = new Uint8Array(32);
 * const end = writeNaiveTimestamp(buf, 0, Date.UTC(2024, 0, 1, 0, 57, 55, 120), 84);
 * assert.equal(new TextDecoder().decode(buf.subarray(0, end)), "2024-01-01T00:57:55.120");
 * ```
 */
export function writeNaiveTimestamp(
  buf: Uint8Array,
  pos: number,
  ms: number,
  separator: number,
): number {
  const whole = Math.floor(ms);
  const day = Math.floor(whole / MS_PER_DAY);
  const slot = day & DAY_SLOTS_MASK;
  if (_slotDays[slot] !== day) _cacheDay(day, slot);
  const at = slot * 10;
  if (_slotDates[at] === 0) {
    // Years outside 0..9999: rare enough to use Date's extended-year form.
    return writeAscii(buf, pos, _extendedIso(whole, separator));
  }
  for (let j = 0; j < 10; j++) buf[pos + j] = _slotDates[at + j]!;
  pos += 10;
  buf[pos++] = separator;
  let rest = whole - day * MS_PER_DAY;
  const hours = Math.floor(rest / 3_600_000);
  rest -= hours * 3_600_000;
  const minutes = Math.floor(rest / 60_000);
  rest -= minutes * 60_000;
  const seconds = Math.floor(rest / 1000);
  const millis = rest - seconds * 1000;
  pos = _write2(buf, pos, hours);
  buf[pos++] = 58;
  pos = _write2(buf, pos, minutes);
  buf[pos++] = 58;
  pos = _write2(buf, pos, seconds);
  if (millis !== 0) {
    buf[pos++] = 46;
    buf[pos++] = DIGIT_0 + Math.floor(millis / 100);
    pos = _write2(buf, pos, millis % 100);
  }
  return pos;
}

/**
 * Writes a string's UTF-8 bytes and returns the position after them. The
 * caller provides at least `3 * text.length` free bytes.
 *
 * @example
 * ```ts
 * import { writeAscii } from "./ascii_format.ts";
 * import assert from "node:assert";
 * const buf = new Uint8Array(8);
 * assert.equal(writeAscii(buf, 0, "N"), 1);
 * assert.equal(buf[0], 78);
 * ```
 */
export function writeAscii(buf: Uint8Array, pos: number, text: string): number {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code > 127) return pos + _encoder.encodeInto(text, buf.subarray(pos)).written;
    buf[pos + i] = code;
  }
  return pos + text.length;
}

function _extendedIso(ms: number, separator: number): string {
  const date = new Date(ms);
  if (Number.isNaN(date.getTime())) return String(ms);
  const iso = date.toISOString().slice(0, -1).replace("T", String.fromCharCode(separator));
  return iso.endsWith(".000") ? iso.slice(0, -4) : iso;
}

// Direct-mapped cache of "YYYY-MM-DD" bytes by day: rows are not sorted by
// time, and computing the civil date for every timestamp is measurably slow.
const DAY_SLOTS_MASK = 1023;
const _slotDays = new Float64Array(DAY_SLOTS_MASK + 1).fill(NaN);
const _slotDates = new Uint8Array((DAY_SLOTS_MASK + 1) * 10);

function _cacheDay(day: number, slot: number): void {
  // Civil-from-days (H. Hinnant): proleptic Gregorian, no Date object.
  const z = day + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) -
      Math.floor(doe / 146_096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const dayOfMonth = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  _slotDays[slot] = day;
  const at = slot * 10;
  if (year < 0 || year > 9999) {
    _slotDates[at] = 0; // marks "use the extended form"
    return;
  }
  _write2(_slotDates, at, Math.floor(year / 100));
  _write2(_slotDates, at + 2, year % 100);
  _slotDates[at + 4] = 45;
  _write2(_slotDates, at + 5, month);
  _slotDates[at + 7] = 45;
  _write2(_slotDates, at + 8, dayOfMonth);
}

function _write2(buf: Uint8Array, pos: number, value: number): number {
  buf[pos] = DIGIT_0 + Math.floor(value / 10);
  buf[pos + 1] = DIGIT_0 + (value % 10);
  return pos + 2;
}

function _writeUint(buf: Uint8Array, pos: number, value: number): number {
  if (value < 10) {
    buf[pos] = DIGIT_0 + value;
    return pos + 1;
  }
  let digits = 1;
  for (let probe = value; probe >= 10; probe = Math.floor(probe / 10)) digits++;
  for (let i = pos + digits - 1; i >= pos; i--) {
    const next = Math.floor(value / 10);
    buf[i] = DIGIT_0 + (value - next * 10);
    value = next;
  }
  return pos + digits;
}
