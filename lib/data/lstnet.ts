/**
 * Loader for the LSTNet benchmark files (Lai et al. 2018, github.com/laiguokun/multivariate-time-series-data),
 * e.g. `electricity.txt(.gz)`: T rows x N comma-separated numbers, no header, optionally
 * gzipped (detected by the gzip magic bytes 1f 8b, not by the extension). The electricity file
 * is 26,304 hourly rows x 321 clients starting 2012-01-01 00:00; timestamps are synthesised as
 * `start + row * step` (UTC). The suite's other sets (traffic, solar-AL, exchange rate) load
 * the same way with their own calendars and shape checks (LSTNET_SUITE, loadLstnetSuite).
 *
 * The bytes are scanned in place into one Float32Array [T, N] (see textscan.ts): peak memory is
 * the file (plus its decompressed copy) and the 34 MB matrix, far below 1 GB.
 */
import * as path from 'node:path';
import type { TimeSeriesDataset } from './types';
import { maybeGunzip, readFileBytes, scanTable } from './textscan';
import { UserError } from '../util/errors';

export interface LstnetOptions {
  /** First timestamp, ms since epoch UTC. Default 2012-01-01 00:00 UTC (electricity). */
  readonly startMs?: number;
  /** Time step in seconds. Default 3600 (hourly). */
  readonly stepSeconds?: number;
  /** Registry name used in messages and in the result. Default "electricity-lstnet". */
  readonly name?: string;
  /**
   * The published shape [rows, columns]: a different column count is a UserError (another data
   * set's file); a different row count loads, with a warning in `meta.warning` (a truncated or
   * extended copy; the calendar still starts at `startMs`).
   */
  readonly expectedShape?: readonly [number, number];
  /** File name(s) to suggest in the not-found message. Default "electricity.txt.gz". */
  readonly fileHint?: string;
}

/** One data set of the LSTNet suite (github.com/laiguokun/multivariate-time-series-data; provenance in docs/data.md). */
export interface LstnetSuiteEntry {
  /** Registry name. */
  readonly name: 'electricity-lstnet' | 'traffic' | 'solar-al' | 'exchange-rate';
  /** Folder and file name in the LSTNet data repository (also the cache/mirror layout). */
  readonly folder: string;
  readonly file: string;
  readonly rows: number;
  readonly cols: number;
  /** Timestamp of row 0, ms since epoch UTC. */
  readonly startMs: number;
  /** Sampling interval in seconds. */
  readonly stepSeconds: number;
  /** Rows per natural cycle (the seasonal-naive season). */
  readonly seasonRows: number;
}

/**
 * The LSTNet suite: shapes as published, calendars as in the preprocessing the files come from
 * (docs/data.md): electricity 2012-01-01 hourly (3 years, 1,096 days × 24), traffic 2015-01-01
 * hourly (2015–2016, 731 days × 24), solar-AL 2006-01-01 every 10 minutes (365 days × 144),
 * exchange rate 1990-01-01 daily on calendar days (7,588 days, to 2010-10-10).
 */
export const LSTNET_SUITE: Readonly<Record<LstnetSuiteEntry['name'], LstnetSuiteEntry>> = {
  'electricity-lstnet': { name: 'electricity-lstnet', folder: 'electricity', file: 'electricity.txt', rows: 26_304, cols: 321, startMs: Date.UTC(2012, 0, 1), stepSeconds: 3600, seasonRows: 24 },
  traffic: { name: 'traffic', folder: 'traffic', file: 'traffic.txt', rows: 17_544, cols: 862, startMs: Date.UTC(2015, 0, 1), stepSeconds: 3600, seasonRows: 24 },
  'solar-al': { name: 'solar-al', folder: 'solar-energy', file: 'solar_AL.txt', rows: 52_560, cols: 137, startMs: Date.UTC(2006, 0, 1), stepSeconds: 600, seasonRows: 144 },
  'exchange-rate': { name: 'exchange-rate', folder: 'exchange_rate', file: 'exchange_rate.txt', rows: 7_588, cols: 8, startMs: Date.UTC(1990, 0, 1), stepSeconds: 86_400, seasonRows: 7 },
};

/** The LSTNet protocol's horizons (Lai et al. 2018: 3, 6, 12 and 24 rows ahead). */
export const LSTNET_HORIZONS: readonly number[] = [3, 6, 12, 24];

/** Load one file of the LSTNet suite with its calendar and shape check. */
export function loadLstnetSuite(file: string, name: LstnetSuiteEntry['name']): TimeSeriesDataset {
  const e = LSTNET_SUITE[name];
  return loadLstnet(file, { name, startMs: e.startMs, stepSeconds: e.stepSeconds, expectedShape: [e.rows, e.cols], fileHint: `${e.file}.gz` });
}

export const LSTNET_ELECTRICITY_START_MS = Date.UTC(2012, 0, 1, 0, 0, 0);

/** Load an LSTNet-format matrix file (plain or gzipped). */
export function loadLstnet(file: string, options: LstnetOptions = {}): TimeSeriesDataset {
  const name = options.name ?? 'electricity-lstnet';
  const startMs = options.startMs ?? LSTNET_ELECTRICITY_START_MS;
  const step = options.stepSeconds ?? 3600;
  const fix = `download ${options.fileHint ?? 'electricity.txt.gz'} from the LSTNet data repository (see 'dive data describe ${name}') and pass --file PATH`;
  const text = maybeGunzip(readFileBytes(file, fix), file);
  const scan = scanTable(text, { file, delimiter: 44, headerLines: 0 });
  let warning: string | undefined;
  if (options.expectedShape) {
    const [rows, cols] = options.expectedShape;
    if (scan.cols !== cols) {
      throw new UserError(`${file} has ${scan.cols} columns, but '${name}' has ${cols}; check that it is the ${options.fileHint ?? 'right'} file of the LSTNet data repository`);
    }
    if (scan.rows !== rows) warning = `${path.basename(file)} has ${scan.rows} rows, the published '${name}' file has ${rows}; the calendar assumes the file starts at row 0 of the original`;
  }
  const timestamps = new Float64Array(scan.rows);
  for (let i = 0; i < scan.rows; i++) timestamps[i] = startMs + i * step * 1000;
  const channelNames = Array.from({ length: scan.cols }, (_, i) => `series${i}`);
  return {
    name,
    source: path.resolve(file),
    channelNames,
    sampleRateHz: 1 / step,
    segments: [{ id: path.basename(file).replace(/(\.txt)?(\.gz)?$/, ''), values: scan.values, length: scan.rows, channels: scan.cols, timestamps }],
    meta: { stepSeconds: step, start: new Date(startMs).toISOString(), timestamps: 'synthesised (start + row * step)', ...(warning ? { warning } : {}) },
  };
}
