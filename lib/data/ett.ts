/**
 * Loader for ETT-format CSV files (Electricity Transformer Temperature, Zhou et al. 2021):
 * header `date,HUFL,HULL,MUFL,MULL,LUFL,LULL,OT`, then one row per time step with a
 * `YYYY-MM-DD HH:MM[:SS]` timestamp (read as UTC) and seven numeric channels.
 * ETTh1 has 17,420 hourly rows (2016-07-01 00:00 … 2018-06-26 19:00).
 *
 * Result: one segment (id = file name without extension), values [rows, 7] in original units,
 * timestamps in ms (UTC), sampleRateHz = 1 / (first time step in seconds).
 */
import * as path from 'node:path';
import type { TimeSeriesDataset } from './types';
import { UserError } from '../util/errors';
import { readFileBytes, scanTable } from './textscan';

export const ETT_COLUMNS = ['date', 'HUFL', 'HULL', 'MUFL', 'MULL', 'LUFL', 'LULL', 'OT'] as const;

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?$/;

/** Parse `YYYY-MM-DD HH:MM[:SS]` as UTC milliseconds; NaN when malformed. */
export function parseUtcDateTime(text: string): number {
  const m = DATE_RE.exec(text);
  if (!m) return NaN;
  const [y, mo, d, h, mi, s] = [m[1], m[2], m[3], m[4], m[5], m[6] ?? '0'].map(Number);
  const t = Date.UTC(y, mo - 1, d, h, mi, s);
  const back = new Date(t);
  // Reject impossible dates such as 2017-02-30 (Date.UTC would silently roll them over).
  if (back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) return NaN;
  return t;
}

/** Load an ETT-format CSV (ETTh1, ETTh2, ETTm1, ETTm2). */
export function loadEtt(file: string, name = 'ett-h1'): TimeSeriesDataset {
  const fix = `run 'dive data fetch ${name}' or pass --file PATH`;
  const bytes = readFileBytes(file, fix);
  const scan = scanTable(bytes, {
    file,
    delimiter: 44,
    headerLines: 1,
    expectedFields: ETT_COLUMNS.length,
    columnNames: ETT_COLUMNS.slice(1),
    keyColumn: (text, line) => {
      const t = parseUtcDateTime(text);
      if (!Number.isFinite(t)) throw new UserError(`${file}:${line}: date '${text}' is not 'YYYY-MM-DD HH:MM:SS'; fix the timestamp`);
      return t;
    },
  });
  const header = scan.header ?? [];
  if (header.length !== ETT_COLUMNS.length || header[0] !== 'date') {
    throw new UserError(`${file}:1: header is '${header.join(',')}', expected '${ETT_COLUMNS.join(',')}' (an ETT-format CSV); check the file`);
  }
  const ts = scan.key!;
  for (let i = 1; i < scan.rows; i++) {
    if (!(ts[i] > ts[i - 1])) {
      throw new UserError(`${file}:${i + 2}: timestamp ${new Date(ts[i]).toISOString()} is not after the previous row's; sort the file or remove duplicates`);
    }
  }
  const stepSec = scan.rows > 1 ? (ts[1] - ts[0]) / 1000 : 3600;
  const id = path.basename(file).replace(/\.[^.]*$/, '');
  return {
    name,
    source: path.resolve(file),
    channelNames: header.slice(1),
    sampleRateHz: 1 / stepSec,
    segments: [{ id, values: scan.values, length: scan.rows, channels: scan.cols, timestamps: ts }],
    meta: { stepSeconds: stepSec, start: new Date(ts[0]).toISOString(), end: new Date(ts[scan.rows - 1]).toISOString() },
  };
}
