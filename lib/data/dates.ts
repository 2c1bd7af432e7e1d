/**
 * Dates in data files, read as UTC milliseconds. The formats the CSV reader (csv.ts) detects and
 * the date split (splits.ts) accepts:
 *
 * - `iso`: ISO 8601 calendar dates `YYYY-MM-DD`, optionally with a time `HH:MM`, `HH:MM:SS` or
 *   `HH:MM:SS.fff` after a `T` or a space, optionally followed by `Z` or an offset `±HH:MM` /
 *   `±HHMM`; also `YYYY/MM/DD` and `YYYY.MM.DD` with the same times, and `YYYY-MM` (the first of
 *   that month, for monthly data). Times without an offset are read as UTC: the calendar labels
 *   are then the file's own wall-clock hours and days.
 * - `dmy` / `mdy`: `DD/MM/YYYY` or `MM/DD/YYYY` (also with `.` or `-`), with the same optional
 *   times. Which of the two a column holds is decided from the column itself: day-first when
 *   some first number exceeds 12, month-first when some second number does; a column where
 *   every value fits both is ambiguous and is an error unless the order is named
 *   (`dateOrder: 'dmy' | 'mdy'`).
 *
 * Not supported: two-digit years, month names, Unix epoch numbers (a numeric column is a
 * channel), time-only values. Impossible dates (2023-02-30, 25:00) do not parse.
 */
import { UserError } from '../util/errors';

export type DateFormat = 'iso' | 'dmy' | 'mdy';

/** How a format is described to people. */
export const DATE_FORMAT_TEXT: Readonly<Record<DateFormat, string>> = {
  iso: 'YYYY-MM-DD[ HH:MM[:SS]] (ISO 8601; also YYYY/MM/DD, YYYY-MM)',
  dmy: 'DD/MM/YYYY[ HH:MM[:SS]] (day first)',
  mdy: 'MM/DD/YYYY[ HH:MM[:SS]] (month first)',
};

const TIME = '(?:[T ]\\s*(\\d{1,2}):(\\d{2})(?::(\\d{2})(?:[.,](\\d{1,9}))?)?)?\\s*(Z|[+-]\\d{2}:?\\d{2})?';
const YMD_RE = new RegExp(`^(\\d{4})([-/.])(\\d{1,2})\\2(\\d{1,2})${TIME}$`);
const YM_RE = /^(\d{4})-(\d{2})$/;
const XY_RE = new RegExp(`^(\\d{1,2})([-/.])(\\d{1,2})\\2(\\d{4})${TIME}$`);

function build(y: number, mo: number, d: number, m: RegExpExecArray, at: number): number {
  const h = m[at] === undefined ? 0 : Number(m[at]);
  const mi = m[at + 1] === undefined ? 0 : Number(m[at + 1]);
  const s = m[at + 2] === undefined ? 0 : Number(m[at + 2]);
  const frac = m[at + 3] === undefined ? 0 : Number(`0.${m[at + 3]}`);
  const zone = m[at + 4];
  if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || s > 59) return NaN;
  let t = Date.UTC(y, mo - 1, d, h, mi, s) + Math.round(frac * 1000);
  if (new Date(Date.UTC(y, mo - 1, d)).getUTCDate() !== d) return NaN; // 2023-02-30 and the like
  if (zone && zone !== 'Z') {
    const sign = zone[0] === '-' ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    t -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000;
  }
  return t;
}

/** Parse one date in a given format; NaN when it is not one. */
export function parseDateAs(text: string, format: DateFormat): number {
  const s = text.trim();
  if (format === 'iso') {
    const m = YMD_RE.exec(s);
    if (m) return build(Number(m[1]), Number(m[3]), Number(m[4]), m, 5);
    const ym = YM_RE.exec(s);
    if (!ym) return NaN;
    const mo = Number(ym[2]);
    return mo >= 1 && mo <= 12 ? Date.UTC(Number(ym[1]), mo - 1, 1) : NaN;
  }
  const m = XY_RE.exec(s);
  if (!m) return NaN;
  const [a, b] = [Number(m[1]), Number(m[3])];
  return format === 'dmy' ? build(Number(m[4]), b, a, m, 5) : build(Number(m[4]), a, b, m, 5);
}

/** The formats under which every non-empty value parses (empty list: not a date column). */
export function dateFormatsOf(values: readonly string[]): DateFormat[] {
  const present = values.map((v) => v.trim()).filter((v) => v !== '');
  if (present.length === 0) return [];
  return (['iso', 'dmy', 'mdy'] as const).filter((f) => present.every((v) => Number.isFinite(parseDateAs(v, f))));
}

/** Parse a date given by a user (a split boundary): ISO 8601 only. */
export function parseUserDate(text: string, what: string): number {
  const t = parseDateAs(text, 'iso');
  if (!Number.isFinite(t)) throw new UserError(`${what} '${text}' is not a date; write it as YYYY-MM-DD or YYYY-MM-DD HH:MM`);
  return t;
}
