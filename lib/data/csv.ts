/**
 * Any CSV as a data set: `inferCsv(text, options)` reads a delimited text table and infers
 * everything a data set needs (a pure function: its `CsvInference` report is what
 * `dive data describe` prints); `loadCsv(file, options)` reads a file with it and returns the
 * data set (one segment, original units, timestamps, window labels).
 *
 * Reading
 * - Encoding: UTF-8 (a UTF-8 byte-order mark is stripped); UTF-16 with a BOM (Excel's "Unicode
 *   text") is decoded too; gzip is unpacked.
 * - Line ends: LF, CRLF or CR. Blank lines are skipped.
 * - Fields: RFC 4180 quoting — a field in double quotes may hold the delimiter, line breaks
 *   and doubled quotes (`""` = `"`); spaces around unquoted fields are trimmed.
 * - Delimiter: the named one (`delimiter`), else sniffed among `,` `;` and tab: parsing the first
 *   50 records with each (quote-aware), among those that split the header into ≥ 2 fields the
 *   one with the largest share of records having the header's field count, then the most
 *   fields (ties: `,` then `;` then tab).
 * - The first record is the header (column names; an empty name becomes `column N`).
 * - Numbers: decimal with `.` (`-1.5`, `2e-3`); with a `;` or tab delimiter a decimal comma
 *   (`3,5`) reads as 3.5 too. No thousands separators.
 *
 * Inference
 * - Date column: `dateColumn` when named, else the first column whose first 50 values are all
 *   dates (dates.ts: ISO 8601 `YYYY-MM-DD[ HH:MM[:SS]]`, `YYYY/MM/DD`, `YYYY-MM`; `DD/MM/YYYY`
 *   day-first or `MM/DD/YYYY` month-first only when the column itself decides it, or
 *   `dateOrder`). Times without an offset are UTC. No date column, an empty or bad date is an
 *   error naming the line. Rows must be in date order: a file that is newest first is reversed
 *   (reported); duplicates or any other disorder are an error.
 * - Column kinds: a column is numeric when more than half of its non-empty cells are numbers,
 *   else text.
 * - Targets (the channels forecast): `targets` when named (numeric columns), else every numeric
 *   column that is not the date or a label column.
 * - Labels (window labels, the supervision of the marginal latents): `labels` when named (any
 *   column but the date; classes = its distinct values), else every text column with 2 to 64
 *   distinct values; a window takes the value at its last target row. With no label columns
 *   (or `labels: []`) the windows get calendar labels from the dates (labels.ts: hour, weekday,
 *   month of the target time; weekday and month only for data sampled daily or less often).
 *   Other text columns are ignored (reported).
 * - Cells: an empty or non-numeric cell in a target column is an error naming line, row and
 *   column (no NaN policy: fill or drop it first).
 * - Interval: the median difference of consecutive dates (sampleRateHz = 1 / interval). Steps
 *   longer than 1.5 × the interval are gaps, reported (count, the largest, the first three) and
 *   warned about; the rows are still used as consecutive steps. Fewer than 90% of steps within
 *   15% of the interval is warned about as irregular sampling.
 * - Season (the seasonal-naive cycle): one day for sub-daily data, one week for data sampled
 *   daily up to weekly, one year (365.25 days) for coarser; in rows: round(season / interval).
 * - Window defaults (`csvWindowDefaults`): input 7 seasons (at most 1,024 rows), horizon one
 *   season (at most 256 rows), one target row, stride 1 — hourly data get ETT's 168 / 24. When
 *   the first 70% of the rows cannot hold two such windows, horizon ⌊0.7·rows / 16⌋ (≥ 1) and
 *   input 7 × that.
 * - Extreme values: per target column the robust z-score |x − median| / (1.4826 · MAD) (MAD = 0:
 *   1.2533 × the mean absolute deviation); |z| > 10 is reported (count, the largest, its line)
 *   and warned about. A constant column is warned about.
 */
import * as path from 'node:path';
import type { LabelSpec, TimeSeriesDataset } from './types';
import { UserError } from '../util/errors';
import { maybeGunzip, readFileBytes } from './textscan';
import { DATE_FORMAT_TEXT, dateFormatsOf, parseDateAs, type DateFormat } from './dates';

export type CsvDelimiter = ',' | ';' | '\t';

/** How to read a CSV; every field optional (see the module doc for what is inferred). */
export interface CsvOptions {
  /** The date column's name (default: the first column of dates). */
  readonly dateColumn?: string;
  /** The columns to forecast (default: every numeric column). */
  readonly targets?: readonly string[];
  /** Label columns (default: text columns with 2–64 values; `[]`: none, calendar labels). */
  readonly labels?: readonly string[];
  /** Field delimiter (default: sniffed among `,` `;` tab). */
  readonly delimiter?: CsvDelimiter;
  /** Order of `NN/NN/YYYY` dates when the column leaves it open. */
  readonly dateOrder?: 'dmy' | 'mdy';
}

/** Everything `inferCsv` decided, JSON-ready (what `dive data describe` prints). */
export interface CsvInference {
  readonly source: string;
  readonly encoding: string;
  readonly lineEnding: 'LF' | 'CRLF' | 'CR' | 'mixed' | 'none';
  readonly delimiter: { readonly char: CsvDelimiter; readonly name: string; readonly how: 'named' | 'sniffed' };
  readonly decimalComma: boolean;
  readonly rows: number;
  readonly columns: readonly { readonly name: string; readonly kind: 'date' | 'numeric' | 'text'; readonly role: 'date' | 'target' | 'label' | 'ignored'; readonly why: string }[];
  readonly date: { readonly column: string; readonly how: 'named' | 'detected'; readonly format: DateFormat; readonly formatText: string; readonly reversed: boolean; readonly first: string; readonly last: string };
  readonly targets: { readonly names: readonly string[]; readonly how: 'named' | 'every numeric column' };
  readonly labels:
    | { readonly kind: 'columns'; readonly how: 'named' | 'detected'; readonly columns: readonly { readonly name: string; readonly classes: readonly string[] }[] }
    | { readonly kind: 'calendar'; readonly names: readonly string[]; readonly why: string };
  readonly interval: { readonly seconds: number; readonly text: string; readonly regularShare: number };
  readonly season: { readonly seconds: number; readonly rows: number; readonly text: string };
  readonly window: { readonly inputLength: number; readonly horizon: number; readonly targetLength: number; readonly stride: number; readonly rule: string };
  readonly gaps: { readonly count: number; readonly largestSeconds: number; readonly largest: string; readonly first: readonly { readonly line: number; readonly from: string; readonly to: string }[] };
  readonly extremes: readonly { readonly column: string; readonly count: number; readonly maxZ: number; readonly line: number; readonly value: number }[];
  readonly warnings: readonly string[];
}

/** A read table: the inference report and the arrays the data set is built from. */
export interface CsvTable {
  readonly inference: CsvInference;
  readonly rows: number;
  readonly channels: number;
  /** Row-major [rows, channels] float32, original units, in date order. */
  readonly values: Float32Array;
  readonly timestamps: Float64Array;
  /** Label columns: classes and the class id of every row. */
  readonly rowLabels: readonly { readonly spec: LabelSpec; readonly codes: Int32Array }[];
}

/** A data set read from a CSV: one segment, its per-row label columns and the inference report. */
export interface CsvDataset extends TimeSeriesDataset {
  readonly rowLabels: readonly { readonly spec: LabelSpec; readonly codes: Int32Array }[];
  readonly csv: CsvInference;
}

export function isCsvDataset(d: TimeSeriesDataset): d is CsvDataset {
  return 'csv' in d && 'rowLabels' in d;
}

export const CSV_DELIMITERS: readonly CsvDelimiter[] = [',', ';', '\t'];
const DELIM_NAME: Record<CsvDelimiter, string> = { ',': 'comma', ';': 'semicolon', '\t': 'tab' };
/** Text columns with at most this many distinct values become label columns. */
export const CSV_MAX_LABEL_CLASSES = 64;
/** |robust z| above this is an extreme value. */
export const CSV_EXTREME_Z = 10;
const SNIFF_RECORDS = 50;
const DATE_PROBE = 50;

/** Parse the words a user may give for a delimiter: `,` `;` `\t` `tab` `comma` `semicolon`. */
export function parseDelimiter(text: string): CsvDelimiter {
  const t = text === '\t' ? 'tab' : text.trim().toLowerCase();
  const d = ({ ',': ',', comma: ',', ';': ';', semicolon: ';', tab: '\t', '\\t': '\t' } as Record<string, CsvDelimiter | undefined>)[t];
  if (!d) throw new UserError(`delimiter '${text}' is not one of ',', ';', 'tab'; pick one of those`);
  return d;
}

/** "1 h", "10 min", "1 day", "7 days", "30 s": a duration for people. */
export function formatSeconds(seconds: number): string {
  if (seconds >= 86_400 && seconds % 86_400 === 0) return seconds === 86_400 ? '1 day' : `${seconds / 86_400} days`;
  if (seconds >= 3600 && seconds % 3600 === 0) return `${seconds / 3600} h`;
  if (seconds >= 60 && seconds % 60 === 0) return `${seconds / 60} min`;
  return `${Number(seconds.toPrecision(6))} s`;
}

interface Records {
  readonly rows: string[][];
  /** 1-based line on which each record starts. */
  readonly lines: number[];
  readonly quoted: number;
}

/** Split text into records of fields (RFC 4180 quoting; LF, CRLF, CR; blank lines skipped). */
function parseRecords(text: string, delim: CsvDelimiter, file: string, limit = Infinity): Records {
  const D = delim.charCodeAt(0);
  const n = text.length;
  const rows: string[][] = [];
  const lines: number[] = [];
  let quoted = 0;
  let i = 0;
  let line = 1;
  while (i < n && rows.length < limit) {
    const startLine = line;
    const fields: string[] = [];
    for (;;) {
      let j = i;
      while (j < n && (text.charCodeAt(j) === 32 || (D !== 9 && text.charCodeAt(j) === 9))) j++;
      if (j < n && text.charCodeAt(j) === 34) {
        quoted++;
        const parts: string[] = [];
        let from = ++j;
        for (;;) {
          if (j >= n) throw new UserError(`${file}:${startLine}: a quoted field is not closed; add the closing '"'`);
          const c = text.charCodeAt(j);
          if (c === 34) {
            parts.push(text.slice(from, j));
            if (text.charCodeAt(j + 1) === 34) {
              parts.push('"');
              j += 2;
              from = j;
              continue;
            }
            j++;
            break;
          }
          if (c === 10 || (c === 13 && text.charCodeAt(j + 1) !== 10)) line++;
          j++;
        }
        let k = j;
        while (k < n && text.charCodeAt(k) !== D && text.charCodeAt(k) !== 10 && text.charCodeAt(k) !== 13) k++;
        const rest = text.slice(j, k).trim();
        if (rest !== '') throw new UserError(`${file}:${line}: text '${rest.slice(0, 20)}' after a closing quote; quote the whole field or double the quote inside it ("")`);
        fields.push(parts.join(''));
        i = k;
      } else {
        let k = i;
        while (k < n && text.charCodeAt(k) !== D && text.charCodeAt(k) !== 10 && text.charCodeAt(k) !== 13) k++;
        fields.push(text.slice(i, k).trim());
        i = k;
      }
      if (i < n && text.charCodeAt(i) === D) {
        i++;
        continue;
      }
      if (i < n && text.charCodeAt(i) === 13) i++;
      if (i < n && text.charCodeAt(i) === 10) i++;
      line++;
      break;
    }
    if (fields.length === 1 && fields[0] === '') continue;
    rows.push(fields);
    lines.push(startLine);
  }
  return { rows, lines, quoted };
}

function sniffDelimiter(text: string, file: string): CsvDelimiter {
  let best: { d: CsvDelimiter; fields: number; share: number } | undefined;
  for (const d of CSV_DELIMITERS) {
    let recs: Records;
    try {
      recs = parseRecords(text, d, file, SNIFF_RECORDS);
    } catch {
      continue;
    }
    if (recs.rows.length === 0) continue;
    const f = recs.rows[0].length;
    if (f < 2) continue;
    const share = recs.rows.filter((r) => r.length === f).length / recs.rows.length;
    if (!best || share > best.share || (share === best.share && f > best.fields)) best = { d, fields: f, share };
  }
  if (!best) throw new UserError(`${file}: cannot tell the delimiter (no ',', ';' or tab splits the header into 2 or more columns); name it (--delimiter) or check that the file is a table with a header`);
  return best.d;
}

function decode(bytes: Uint8Array): { text: string; encoding: string } {
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) return { text: new TextDecoder('utf-16le').decode(bytes.subarray(2)), encoding: 'utf-16le (BOM)' };
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) return { text: new TextDecoder('utf-16be').decode(bytes.subarray(2)), encoding: 'utf-16be (BOM)' };
  const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
  return text.charCodeAt(0) === 0xfeff ? { text: text.slice(1), encoding: 'utf-8 with BOM (stripped)' } : { text, encoding: 'utf-8' };
}

function lineEnding(text: string): CsvInference['lineEnding'] {
  const crlf = (text.match(/\r\n/g) ?? []).length;
  const lf = (text.match(/\n/g) ?? []).length - crlf;
  const cr = (text.match(/\r/g) ?? []).length - crlf;
  const kinds = [crlf > 0, lf > 0, cr > 0].filter(Boolean).length;
  if (kinds === 0) return 'none';
  if (kinds > 1) return 'mixed';
  return crlf > 0 ? 'CRLF' : lf > 0 ? 'LF' : 'CR';
}

const NUM_RE = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const DEC_COMMA_RE = /^[+-]?\d*,\d+(?:[eE][+-]?\d+)?$/;

function parseNumber(s: string, decimalComma: boolean): number {
  if (NUM_RE.test(s)) return Number(s);
  if (decimalComma && DEC_COMMA_RE.test(s)) return Number(s.replace(',', '.'));
  return NaN;
}

function median(sorted: Float64Array): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  return n % 2 ? sorted[(n - 1) >> 1] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
}

/** Robust z-scores of one column: count above the threshold, the largest and its row. */
export function robustExtremes(x: ArrayLike<number>, threshold = CSV_EXTREME_Z): { count: number; maxZ: number; row: number; scale: number } {
  const n = x.length;
  const sorted = Float64Array.from(x).sort();
  const med = median(sorted);
  const dev = Float64Array.from(x, (v) => Math.abs(v - med)).sort();
  let scale = 1.4826 * median(dev);
  if (!(scale > 0)) scale = (1.2533 * dev.reduce((a, b) => a + b, 0)) / Math.max(1, n);
  if (!(scale > 0)) return { count: 0, maxZ: 0, row: -1, scale: 0 };
  let count = 0;
  let maxZ = 0;
  let row = -1;
  for (let i = 0; i < n; i++) {
    const z = Math.abs(x[i] - med) / scale;
    if (z > threshold) count++;
    if (z > maxZ) {
      maxZ = z;
      row = i;
    }
  }
  return { count, maxZ, row, scale };
}

/** Season of data sampled every `intervalSeconds` (module doc). */
export function csvSeasonSeconds(intervalSeconds: number): number {
  if (intervalSeconds < 86_400) return 86_400;
  if (intervalSeconds <= 7 * 86_400) return 7 * 86_400;
  return 365.25 * 86_400;
}

/** The default window for `rows` rows with a season of `seasonRows` rows (module doc). */
export function csvWindowDefaults(rows: number, seasonRows: number): { inputLength: number; horizon: number; targetLength: number; stride: number; rule: string } {
  let horizon = Math.max(1, Math.min(seasonRows, 256));
  let inputLength = Math.max(1, Math.min(7 * seasonRows, 1024));
  let rule = `input 7 seasons = ${inputLength} rows${7 * seasonRows > 1024 ? ' (capped at 1,024)' : ''}, horizon 1 season = ${horizon} rows${seasonRows > 256 ? ' (capped at 256)' : ''}, one target row`;
  const train = Math.floor(0.7 * rows);
  if (2 * (inputLength + horizon) > train) {
    horizon = Math.max(1, Math.floor(train / 16));
    inputLength = 7 * horizon;
    rule = `shortened to input ${inputLength}, horizon ${horizon} (the first 70% of the ${rows} rows cannot hold two windows of 7 + 1 seasons), one target row`;
  }
  return { inputLength, horizon, targetLength: 1, stride: 1, rule };
}

function findColumn(header: readonly string[], name: string, what: string, file: string): number {
  let k = header.indexOf(name);
  if (k < 0) k = header.findIndex((h) => h.toLowerCase() === name.toLowerCase());
  if (k < 0) throw new UserError(`${what} '${name}' is not a column of ${file} (columns: ${header.join(', ')}); check the name`);
  return k;
}

/**
 * Read and infer a CSV table (module doc). Pure: `text` is the file's content (a leading BOM is
 * stripped), `file` only names it in messages.
 */
export function inferCsv(input: string | Uint8Array, options: CsvOptions = {}, file = '(text)'): CsvTable {
  const { text, encoding } = typeof input === 'string' ? (input.charCodeAt(0) === 0xfeff ? { text: input.slice(1), encoding: 'utf-8 with BOM (stripped)' } : { text: input, encoding: 'utf-8' }) : decode(input);
  const delim = options.delimiter ?? sniffDelimiter(text, file);
  const recs = parseRecords(text, delim, file);
  if (recs.rows.length < 3) throw new UserError(`${file} has ${Math.max(0, recs.rows.length - 1)} data row(s); a data set needs a header and at least 2 rows (check the file)`);
  const header = recs.rows[0].map((h, k) => h || `column ${k + 1}`);
  const dup = header.find((h, k) => header.indexOf(h) !== k);
  if (dup !== undefined) throw new UserError(`${file}:${recs.lines[0]}: column '${dup}' appears twice in the header; rename one`);
  const C = header.length;
  if (C < 2) throw new UserError(`${file}: the header has one column ('${header[0]}'); a data set needs a date column and at least one value column (check the delimiter: --delimiter)`);
  const data = recs.rows.slice(1);
  const lines = recs.lines.slice(1);
  const n = data.length;
  data.forEach((r, i) => {
    if (r.length !== C) throw new UserError(`${file}:${lines[i]}: has ${r.length} fields, the header has ${C}; fix or remove that row (fields with the delimiter inside need quotes)`);
  });
  const decimalComma = delim !== ',';
  const cell = (i: number, k: number): string => data[i][k];
  const column = (k: number, m = n): string[] => data.slice(0, m).map((r) => r[k]);

  // Date column.
  let dateCol: number;
  let dateHow: 'named' | 'detected';
  let formats: DateFormat[];
  if (options.dateColumn !== undefined) {
    dateCol = findColumn(header, options.dateColumn, 'date column', file);
    dateHow = 'named';
    formats = dateFormatsOf(column(dateCol, DATE_PROBE));
    if (formats.length === 0) {
      const bad = column(dateCol, DATE_PROBE).findIndex((v) => v.trim() !== '' && !Number.isFinite(parseDateAs(v, 'iso')) && !Number.isFinite(parseDateAs(v, 'dmy')) && !Number.isFinite(parseDateAs(v, 'mdy')));
      const at = bad >= 0 ? bad : 0;
      throw new UserError(`${file}:${lines[at]}: '${cell(at, dateCol)}' in the date column '${header[dateCol]}' is not a date (supported: ${DATE_FORMAT_TEXT.iso}, DD/MM/YYYY, MM/DD/YYYY); fix it or name another column`);
    }
  } else {
    dateCol = header.findIndex((_, k) => dateFormatsOf(column(k, DATE_PROBE)).length > 0);
    if (dateCol < 0) {
      throw new UserError(`${file}: no date column (a column whose values are dates such as 2024-01-31 or 2024-01-31 13:00) among ${header.join(', ')}; name it (--date-column NAME) or add one`);
    }
    dateHow = 'detected';
    formats = dateFormatsOf(column(dateCol, DATE_PROBE));
  }
  let format: DateFormat;
  if (formats.includes('iso')) format = 'iso';
  else if (options.dateOrder && formats.includes(options.dateOrder)) format = options.dateOrder;
  else {
    // Day-first or month-first: let the whole column decide.
    const all = dateFormatsOf(column(dateCol).filter((v) => Number.isFinite(parseDateAs(v, 'dmy')) || Number.isFinite(parseDateAs(v, 'mdy'))));
    const open = all.length ? all : formats;
    if (open.length !== 1) {
      throw new UserError(`the date column '${header[dateCol]}' of ${file} holds dates like '${cell(0, dateCol)}' that read both day-first and month-first; write them as YYYY-MM-DD or name the order (data.csv.dateOrder "dmy" or "mdy")`);
    }
    format = open[0];
  }
  let ts = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = cell(i, dateCol);
    if (v === '') throw new UserError(`${file}:${lines[i]}: the date (column '${header[dateCol]}') is empty; fill it in or drop the row`);
    const t = parseDateAs(v, format);
    if (!Number.isFinite(t)) throw new UserError(`${file}:${lines[i]}: '${v}' in the date column '${header[dateCol]}' is not a date of the column's format ${DATE_FORMAT_TEXT[format]}; fix it or drop the row`);
    ts[i] = t;
  }
  // Order: ascending, or newest first (reversed), else an error.
  let order = Int32Array.from({ length: n }, (_, i) => i);
  const descending = ts.every((t, i) => i === 0 || t < ts[i - 1]);
  if (descending) {
    order = order.reverse();
    ts = Float64Array.from(order, (i) => ts[i]);
  } else {
    for (let i = 1; i < n; i++) {
      if (ts[i] === ts[i - 1]) throw new UserError(`${file}:${lines[i]}: date '${cell(i, dateCol)}' repeats the previous row's; remove the duplicate row (one row per time step)`);
      if (ts[i] < ts[i - 1]) throw new UserError(`${file}:${lines[i]}: date '${cell(i, dateCol)}' is earlier than the previous row's ('${cell(i - 1, dateCol)}'); sort the file by date`);
    }
  }

  // Column kinds.
  const kinds = header.map((_, k): 'date' | 'numeric' | 'text' => {
    if (k === dateCol) return 'date';
    let nonEmpty = 0;
    let numeric = 0;
    for (let i = 0; i < n; i++) {
      const v = cell(i, k);
      if (v === '') continue;
      nonEmpty++;
      if (Number.isFinite(parseNumber(v, decimalComma))) numeric++;
    }
    return numeric > 0 && numeric * 2 > nonEmpty ? 'numeric' : 'text';
  });

  // Labels, then targets.
  const distinct = (k: number): string[] => {
    const set = [...new Set(column(k))];
    const nums = set.map((v) => parseNumber(v, decimalComma));
    return nums.every(Number.isFinite) ? set.sort((a, b) => parseNumber(a, decimalComma) - parseNumber(b, decimalComma)) : set.sort();
  };
  const roles = header.map((): 'date' | 'target' | 'label' | 'ignored' => 'ignored');
  const why = header.map(() => '');
  roles[dateCol] = 'date';
  why[dateCol] = dateHow === 'named' ? 'named date column' : 'the first column of dates';
  const labelCols: number[] = [];
  const classesOf = new Map<number, string[]>();
  let labelsHow: 'named' | 'detected' = 'detected';
  if (options.labels !== undefined) {
    labelsHow = 'named';
    for (const name of options.labels) {
      const k = findColumn(header, name, 'label column', file);
      if (k === dateCol) throw new UserError(`label column '${name}' is the date column of ${file}; name another column`);
      labelCols.push(k);
      classesOf.set(k, distinct(k));
      why[k] = 'named label column';
    }
  } else {
    header.forEach((_, k) => {
      if (kinds[k] !== 'text') return;
      const classes = distinct(k);
      if (classes.length >= 2 && classes.length <= CSV_MAX_LABEL_CLASSES) {
        labelCols.push(k);
        classesOf.set(k, classes);
        why[k] = `text with ${classes.length} values`;
      } else why[k] = classes.length < 2 ? 'text with one value' : `text with ${classes.length} values (more than ${CSV_MAX_LABEL_CLASSES})`;
    });
  }
  for (const k of labelCols) roles[k] = 'label';
  let targetCols: number[];
  if (options.targets !== undefined && options.targets.length > 0) {
    targetCols = options.targets.map((name) => {
      const k = findColumn(header, name, 'target column', file);
      if (k === dateCol) throw new UserError(`target column '${name}' is the date column of ${file}; name a numeric column`);
      if (roles[k] === 'label') throw new UserError(`column '${name}' of ${file} is named both as a target and as a label; pick one`);
      if (kinds[k] !== 'numeric') {
        const at = data.findIndex((r) => r[k] !== '' && !Number.isFinite(parseNumber(r[k], decimalComma)));
        throw new UserError(`target column '${header[k]}' of ${file} is not numeric (line ${lines[Math.max(0, at)]}: '${cell(Math.max(0, at), k)}'); name numeric columns as targets`);
      }
      why[k] = 'named target';
      return k;
    });
  } else {
    targetCols = header.map((_, k) => k).filter((k) => kinds[k] === 'numeric' && roles[k] === 'ignored');
    for (const k of targetCols) why[k] = 'numeric';
  }
  for (const k of targetCols) roles[k] = 'target';
  header.forEach((_, k) => {
    if (roles[k] === 'ignored' && kinds[k] === 'numeric') why[k] = 'numeric, not among the named targets';
  });
  if (targetCols.length === 0) throw new UserError(`${file} has no numeric column to forecast (columns: ${header.join(', ')}); check the delimiter or name targets (--target NAME)`);

  // Values (in date order).
  const T = targetCols.length;
  const values = new Float32Array(n * T);
  const raw = targetCols.map(() => new Float64Array(n));
  for (let r = 0; r < n; r++) {
    const i = order[r];
    for (let c = 0; c < T; c++) {
      const k = targetCols[c];
      const v = cell(i, k);
      const x = parseNumber(v, decimalComma);
      if (!Number.isFinite(x)) {
        const where = `${file}:${lines[i]}: row ${i + 1}, column '${header[k]}'`;
        if (v === '') throw new UserError(`${where} is empty; fill in the missing value or drop the row`);
        throw new UserError(`${where} is not a number: '${v.length > 40 ? `${v.slice(0, 40)}…` : v}'; fix the value or drop the row`);
      }
      values[r * T + c] = x;
      raw[c][r] = x;
    }
  }
  const rowLabels = labelCols.map((k) => {
    const classes = classesOf.get(k)!;
    const index = new Map(classes.map((c, j) => [c, j]));
    return { spec: { name: header[k], classes: classes.map((c) => (c === '' ? '(empty)' : c)) }, codes: Int32Array.from(order, (i) => index.get(cell(i, k))!) };
  });

  // Interval, gaps, season, window.
  const diffs = Float64Array.from({ length: n - 1 }, (_, i) => ts[i + 1] - ts[i]);
  const intervalMs = median(Float64Array.from(diffs).sort());
  const intervalSeconds = intervalMs / 1000;
  const regular = diffs.filter((d) => Math.abs(d - intervalMs) <= 0.15 * intervalMs).length / diffs.length;
  const iso = (t: number): string => new Date(t).toISOString().replace('T', ' ').replace(/:00\.000Z$|\.000Z$/, '').replace(/ 00:00$/, '');
  const lineOf = (r: number): number => lines[order[r]];
  const gapFirst: { line: number; from: string; to: string }[] = [];
  let gapCount = 0;
  let gapLargest = 0;
  for (let i = 0; i < diffs.length; i++) {
    if (diffs[i] > 1.5 * intervalMs) {
      gapCount++;
      gapLargest = Math.max(gapLargest, diffs[i]);
      if (gapFirst.length < 3) gapFirst.push({ line: lineOf(i + 1), from: iso(ts[i]), to: iso(ts[i + 1]) });
    }
  }
  const seasonSeconds = csvSeasonSeconds(intervalSeconds);
  const seasonRows = Math.max(1, Math.round(seasonSeconds / intervalSeconds));
  const window = csvWindowDefaults(n, seasonRows);
  const daily = intervalSeconds >= 86_400 * (1 - 1e-9);

  const warnings: string[] = [];
  const intervalText = formatSeconds(intervalSeconds);
  if (gapCount > 0) {
    warnings.push(
      `${gapCount} gap${gapCount > 1 ? 's' : ''} in the dates (steps longer than 1.5 × the ${intervalText} interval), the largest ${formatSeconds(gapLargest / 1000)} (first: ${gapFirst[0].from} → ${gapFirst[0].to}, line ${gapFirst[0].line}); windows run across them as if the rows were consecutive: fill the missing rows or cut the file there if that matters`,
    );
  }
  if (regular < 0.9) warnings.push(`only ${(100 * regular).toFixed(0)}% of the steps between dates are within 15% of the median interval ${intervalText}; the rows are used as equally spaced`);
  const extremes: CsvInference['extremes'][number][] = [];
  targetCols.forEach((k, c) => {
    const e = robustExtremes(raw[c]);
    if (e.scale === 0) warnings.push(`column '${header[k]}' is constant (${raw[c][0]}); it carries no information (leave it out with --target)`);
    if (e.count > 0) {
      extremes.push({ column: header[k], count: e.count, maxZ: Number(e.maxZ.toPrecision(4)), line: lineOf(e.row), value: raw[c][e.row] });
      warnings.push(`column '${header[k]}': ${e.count} extreme value${e.count > 1 ? 's' : ''} (robust z-score > ${CSV_EXTREME_Z}), the largest ${raw[c][e.row]} at line ${lineOf(e.row)} (z = ${e.maxZ.toPrecision(3)}); check ${e.count > 1 ? 'them' : 'it'} (a unit, a sentinel such as -999, a typo)`);
    }
  });

  const inference: CsvInference = {
    source: file,
    encoding,
    lineEnding: lineEnding(text),
    delimiter: { char: delim, name: DELIM_NAME[delim], how: options.delimiter !== undefined ? 'named' : 'sniffed' },
    decimalComma,
    rows: n,
    columns: header.map((name, k) => ({ name, kind: kinds[k], role: roles[k], why: why[k] })),
    date: { column: header[dateCol], how: dateHow, format, formatText: DATE_FORMAT_TEXT[format], reversed: descending, first: iso(ts[0]), last: iso(ts[n - 1]) },
    targets: { names: targetCols.map((k) => header[k]), how: options.targets !== undefined && options.targets.length > 0 ? 'named' : 'every numeric column' },
    labels: labelCols.length
      ? { kind: 'columns', how: labelsHow, columns: rowLabels.map((l) => ({ name: l.spec.name, classes: l.spec.classes })) }
      : {
          kind: 'calendar',
          names: daily ? ['weekday', 'month'] : ['hour', 'weekday', 'month'],
          why: `${options.labels !== undefined ? 'no label columns named' : 'no text column with 2–64 values'}; calendar labels of the target time${daily ? ' (no hour: sampled daily or less often)' : ''}`,
        },
    interval: { seconds: intervalSeconds, text: intervalText, regularShare: Number(regular.toFixed(4)) },
    season: { seconds: seasonSeconds, rows: seasonRows, text: formatSeconds(seasonSeconds) },
    window,
    gaps: { count: gapCount, largestSeconds: gapLargest / 1000, largest: gapCount ? formatSeconds(gapLargest / 1000) : '', first: gapFirst },
    extremes,
    warnings,
  };
  return { inference, rows: n, channels: T, values, timestamps: ts, rowLabels };
}

/** Read a CSV file as a data set named `name` (default 'csv'); see the module doc. */
export function loadCsv(file: string, options: CsvOptions & { readonly name?: string } = {}): CsvDataset {
  const bytes = maybeGunzip(readFileBytes(file, 'check the path given with --file'), file);
  const { name = 'csv', ...csv } = options;
  const t = inferCsv(bytes, csv, file);
  const inf = t.inference;
  const id = path.basename(file).replace(/\.gz$/, '').replace(/\.[^.]*$/, '');
  return {
    name,
    source: path.resolve(file),
    channelNames: inf.targets.names,
    sampleRateHz: 1 / inf.interval.seconds,
    segments: [{ id, values: t.values, length: t.rows, channels: t.channels, timestamps: t.timestamps }],
    rowLabels: t.rowLabels,
    csv: inf,
    meta: { stepSeconds: inf.interval.seconds, start: new Date(t.timestamps[0]).toISOString(), end: new Date(t.timestamps[t.rows - 1]).toISOString(), csv: inf },
  };
}
