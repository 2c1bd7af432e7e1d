/**
 * A small, strict, fast reader for delimited numeric text tables (CSV, TSV), scanning the raw
 * bytes in two passes (count rows, then parse into one preallocated Float32Array) without
 * building per-row arrays of strings. Used by the ETT, LSTNet, gait stride-series and
 * GaitMotion loaders.
 *
 * Rules: every data line has the same number of fields; a field is a decimal number
 * (`-1.5`, `2e-3`, surrounding spaces allowed); empty fields, `NaN`, `NA` or any other text
 * are errors naming file, line and column — except empty fields of the columns listed in
 * `emptyAsNaN`, which read as NaN; blank lines are allowed only at the end of the file;
 * `\r\n` line endings are accepted.
 */
import * as fs from 'node:fs';
import * as zlib from 'node:zlib';
import { UserError } from '../util/errors';

const POW10 = [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22];
const MAX_EXACT = 2 ** 53;
const latin1 = new TextDecoder('latin1');

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 13;
}

/**
 * Parse the decimal number in bytes [start, end). Returns NaN when the text is not a number.
 * Fast path: mantissa < 2^53 and |exponent| <= 22 gives the correctly rounded double (one exact
 * integer divided/multiplied by an exact power of ten); otherwise falls back to `Number()`.
 */
export function parseDecimal(b: Uint8Array, start: number, end: number): number {
  while (start < end && isSpace(b[start])) start++;
  while (end > start && isSpace(b[end - 1])) end--;
  if (start >= end) return NaN;
  let i = start;
  let neg = false;
  if (b[i] === 45) { neg = true; i++; } else if (b[i] === 43) i++;
  let mant = 0;
  let exp = 0;
  let digits = 0;
  let exact = true;
  let c = 0;
  while (i < end && (c = b[i]) >= 48 && c <= 57) {
    mant = mant * 10 + (c - 48);
    digits++;
    i++;
  }
  if (i < end && b[i] === 46) {
    i++;
    while (i < end && (c = b[i]) >= 48 && c <= 57) {
      mant = mant * 10 + (c - 48);
      exp--;
      digits++;
      i++;
    }
  }
  if (digits === 0) return NaN;
  if (i < end && (b[i] === 101 || b[i] === 69)) {
    i++;
    let eneg = false;
    if (b[i] === 45) { eneg = true; i++; } else if (b[i] === 43) i++;
    let e = 0;
    let edigits = 0;
    while (i < end && (c = b[i]) >= 48 && c <= 57) {
      e = e * 10 + (c - 48);
      edigits++;
      i++;
    }
    if (edigits === 0) return NaN;
    exp += eneg ? -e : e;
  }
  if (i !== end) return NaN;
  if (mant >= MAX_EXACT) exact = false;
  if (!exact || exp < -22 || exp > 22) {
    const v = Number(latin1.decode(b.subarray(start, end)));
    return v;
  }
  const v = exp < 0 ? mant / POW10[-exp] : mant * POW10[exp];
  return neg ? -v : v;
}

/** Read a whole file, with a one-line UserError naming the file and the fix when it is missing. */
export function readFileBytes(file: string, fix: string): Buffer {
  try {
    const st = fs.statSync(file);
    if (st.isDirectory()) throw new UserError(`${file} is a folder, expected a file; ${fix}`);
    return fs.readFileSync(file);
  } catch (err) {
    if (err instanceof UserError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new UserError(`file not found: ${file}; ${fix}`);
    throw new UserError(`cannot read ${file} (${code ?? (err as Error).message}); ${fix}`);
  }
}

/** Gunzip when the bytes start with the gzip magic 1f 8b (whatever the file name says). */
export function maybeGunzip(bytes: Buffer, file: string): Buffer {
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      return zlib.gunzipSync(bytes);
    } catch (err) {
      throw new UserError(`${file} starts like a gzip file but cannot be decompressed (${(err as Error).message}); re-download it or pass the uncompressed file`);
    }
  }
  return bytes;
}

export interface TableScanOptions {
  /** File name used in error messages. */
  readonly file: string;
  /** Field separator byte: 44 for ',', 9 for tab. */
  readonly delimiter: number;
  /** Number of header lines to skip (0 or 1). */
  readonly headerLines: number;
  /**
   * When given, column 0 is text and is passed to this function (with its 1-based line
   * number), whose return value is stored in `key`; the numeric columns are then 1..n-1.
   */
  readonly keyColumn?: (text: string, line: number) => number;
  /** Column names for error messages (numeric columns only), when known. */
  readonly columnNames?: readonly string[];
  /** Expected number of fields per line (all columns, including a key column), when known. */
  readonly expectedFields?: number;
  /**
   * Numeric column indices (as in `columnNames`) whose EMPTY fields are read as NaN (e.g.
   * GaitMotion's stride length, empty between strides). Other text there is still an error.
   */
  readonly emptyAsNaN?: readonly number[];
}

export interface TableScan {
  readonly rows: number;
  /** Numeric columns per row. */
  readonly cols: number;
  /** Row-major [rows, cols]. */
  readonly values: Float32Array;
  /** Per-row key from `keyColumn` (e.g. timestamps), when requested. */
  readonly key?: Float64Array;
  /** The header line's fields, when headerLines = 1. */
  readonly header?: string[];
}

/** Are bytes [start, end) only spaces, tabs or a carriage return? */
function isBlank(b: Uint8Array, start: number, end: number): boolean {
  for (let k = start; k < end; k++) if (!isSpace(b[k])) return false;
  return true;
}

/** Index just past the end of the line starting at `i` (not including the newline). */
function lineEnd(b: Uint8Array, i: number): number {
  const j = b.indexOf(10, i);
  return j < 0 ? b.length : j;
}

/** Scan a delimited numeric table (see module doc for the rules). */
export function scanTable(b: Uint8Array, o: TableScanOptions): TableScan {
  const d = o.delimiter;
  let pos = 0;
  let lineNo = 0;
  let header: string[] | undefined;
  for (let h = 0; h < o.headerLines; h++) {
    const e = lineEnd(b, pos);
    lineNo++;
    header = latin1.decode(b.subarray(pos, e)).replace(/\r$/, '').split(String.fromCharCode(d)).map((s) => s.trim());
    pos = Math.min(b.length, e + 1);
  }
  const dataStart = pos;
  const firstDataLine = lineNo + 1;

  // Pass 1: count data lines and fields of the first one; blank lines only at the end.
  let rows = 0;
  let fields = -1;
  let blankAt = -1;
  for (let i = dataStart, ln = firstDataLine; i < b.length; ln++) {
    const e = lineEnd(b, i);
    let blank = true;
    for (let k = i; k < e; k++) if (!isSpace(b[k])) { blank = false; break; }
    if (blank) {
      if (blankAt < 0) blankAt = ln;
    } else {
      if (blankAt >= 0) throw new UserError(`${o.file}:${blankAt}: blank line inside the table; remove it`);
      if (fields < 0) {
        fields = 1;
        for (let k = i; k < e; k++) if (b[k] === d) fields++;
      }
      rows++;
    }
    i = e + 1;
  }
  if (rows === 0) throw new UserError(`${o.file} has no data rows; check that it is the right file (it may be empty or truncated)`);
  if (o.expectedFields !== undefined && fields !== o.expectedFields) {
    throw new UserError(`${o.file}:${firstDataLine}: has ${fields} fields, expected ${o.expectedFields}; check the file format (delimiter '${String.fromCharCode(d).replace('\t', '\\t')}')`);
  }
  const keyed = o.keyColumn !== undefined;
  const cols = fields - (keyed ? 1 : 0);
  if (cols < 1) throw new UserError(`${o.file}:${firstDataLine}: no numeric columns; check the delimiter`);
  const values = new Float32Array(rows * cols);
  const key = keyed ? new Float64Array(rows) : undefined;
  const emptyOk = new Uint8Array(cols);
  for (const c of o.emptyAsNaN ?? []) if (c >= 0 && c < cols) emptyOk[c] = 1;

  // Pass 2: parse.
  let r = 0;
  for (let i = dataStart, ln = firstDataLine; r < rows; ln++) {
    const e = lineEnd(b, i);
    let fieldStart = i;
    let f = 0;
    const base = r * cols;
    for (let k = i; k <= e; k++) {
      if (k === e || b[k] === d) {
        if (f >= fields) break;
        if (keyed && f === 0) {
          key![r] = o.keyColumn!(latin1.decode(b.subarray(fieldStart, k)).trim(), ln);
        } else {
          const col = f - (keyed ? 1 : 0);
          const v = parseDecimal(b, fieldStart, k);
          if (!Number.isFinite(v) && !(emptyOk[col] === 1 && isBlank(b, fieldStart, k))) badValue(o, b, fieldStart, k, ln, col, f);
          values[base + col] = v;
        }
        f++;
        fieldStart = k + 1;
      }
    }
    let count = 1;
    for (let k = i; k < e; k++) if (b[k] === d) count++;
    if (count !== fields) {
      throw new UserError(`${o.file}:${ln}: has ${count} fields, expected ${fields} (as on line ${firstDataLine}); fix or remove that row`);
    }
    r++;
    i = e + 1;
  }
  return { rows, cols, values, key, header };
}

function badValue(o: TableScanOptions, b: Uint8Array, s: number, e: number, line: number, col: number, field: number): never {
  const text = latin1.decode(b.subarray(s, e)).replace(/\r$/, '').trim();
  const name = o.columnNames?.[col] !== undefined ? ` '${o.columnNames[col]}'` : '';
  const where = `${o.file}:${line}: field ${field + 1}${name}`;
  if (text === '') throw new UserError(`${where} is empty; fill in the missing value or drop the row`);
  if (/^(nan|na|n\/a|null|none|missing|[+-]?inf(inity)?)$/i.test(text)) {
    throw new UserError(`${where} is '${text}' (missing/non-finite values are not allowed); fill or drop it before loading`);
  }
  throw new UserError(`${where} is not a number: '${text.length > 40 ? `${text.slice(0, 40)}…` : text}'; fix the value`);
}
