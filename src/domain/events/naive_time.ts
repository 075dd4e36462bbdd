/**
 * Naive timestamps as text: New York wall-clock readings with no zone,
 * carried in events as `YYYY-MM-DDTHH:MM:SS[.sss]`.
 *
 * @module
 */

/**
 * Formats naive epoch milliseconds as naive ISO text; `.sss` only when the
 * milliseconds are non-zero (the `trip_key` canonical form).
 *
 * @example
 * ```ts
 * import { toNaiveIso } from "./naive_time.ts";
 * import assert from "node:assert";
 * assert.equal(toNaiveIso(Date.UTC(2024, 0, 1, 0, 57, 55)), "2024-01-01T00:57:55");
 * assert.equal(toNaiveIso(Date.UTC(2024, 0, 1, 0, 57, 55, 5)), "2024-01-01T00:57:55.005");
 * ```
 */
export function toNaiveIso(ms: number): string {
  const iso = new Date(ms).toISOString().slice(0, -1);
  return iso.endsWith(".000") ? iso.slice(0, -4) : iso;
}

/**
 * Parses naive ISO text back to naive epoch milliseconds. Only times of the
 * calendar pass: `Date.parse` would roll `2024-02-30` over into March and
 * `T24:00` into the next day, and an event stamped so would reach the
 * assembler as a time its own row does not have.
 *
 * @throws {SyntaxError} When the text is not `YYYY-MM-DDTHH:MM:SS[.sss]` or names
 * a day, hour, minute or second that does not exist.
 * @example
 * ```ts
 * import { fromNaiveIso } from "./naive_time.ts";
 * import assert from "node:assert";
 * assert.equal(fromNaiveIso("2024-01-01T00:57:55"), Date.UTC(2024, 0, 1, 0, 57, 55));
 * assert.throws(() => fromNaiveIso("2023-02-29T00:00:00"), SyntaxError);
 * ```
 */
export function fromNaiveIso(text: string): number {
  const ms = _fieldsToMs(text);
  if (ms === undefined) throw new SyntaxError(`Cannot parse "${text}" as a naive ISO time`);
  return ms;
}

/**
 * Whether text is a naive ISO time of the calendar ({@linkcode fromNaiveIso}
 * parses it).
 *
 * @example
 * ```ts
 * import { isNaiveIso } from "./naive_time.ts";
 * import assert from "node:assert";
 * assert.ok(isNaiveIso("2024-02-29T23:59:59.999"));
 * assert.ok(!isNaiveIso("2024-02-30T00:00:00"));
 * ```
 */
export function isNaiveIso(text: string): boolean {
  return _fieldsToMs(text) !== undefined;
}

const _DAYS_IN_MONTH = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const _MS_PER_DAY = 86_400_000;

/**
 * The milliseconds of well-formed text whose fields are all in their ranges,
 * from the digits and the civil calendar's day count (about six times as fast
 * as a regular expression and `Date.UTC`; the assembler parses five times per
 * trip), or `undefined`.
 */
function _fieldsToMs(text: string): number | undefined {
  const length = text.length;
  if (length !== 19 && length !== 23) return undefined;
  if (
    text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45 || text.charCodeAt(10) !== 84 ||
    text.charCodeAt(13) !== 58 || text.charCodeAt(16) !== 58 ||
    (length === 23 && text.charCodeAt(19) !== 46)
  ) {
    return undefined;
  }
  const year = _digits(text, 0, 4);
  const month = _digits(text, 5, 2);
  const day = _digits(text, 8, 2);
  const hour = _digits(text, 11, 2);
  const minute = _digits(text, 14, 2);
  const second = _digits(text, 17, 2);
  const milli = length === 23 ? _digits(text, 20, 3) : 0;
  // _digits gives -1 for a non-digit, which every range test below refuses.
  if (
    year < 0 || month < 1 || month > 12 || day < 1 || day > _daysInMonth(year, month) ||
    hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59 || milli < 0
  ) {
    return undefined;
  }
  return _daysFromCivil(year, month, day) * _MS_PER_DAY +
    ((hour * 60 + minute) * 60 + second) * 1000 + milli;
}

function _daysInMonth(year: number, month: number): number {
  if (month !== 2) return _DAYS_IN_MONTH[month]!;
  return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
}

/** The number of the ASCII digits `text[at, at + count)`, or -1 if one is not a digit. */
function _digits(text: string, at: number, count: number): number {
  let value = 0;
  for (let i = at; i < at + count; i++) {
    const digit = text.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value;
}

/** Days from 1970-01-01 to a proleptic Gregorian date (H. Hinnant's `days_from_civil`). */
function _daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * ((month + 9) % 12) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) +
    dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}
