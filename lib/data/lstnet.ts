/**
 * Loader for the LSTNet benchmark files (Lai et al. 2018, github.com/laiguokun/multivariate-time-series-data),
 * e.g. `electricity.txt(.gz)`: T rows x N comma-separated numbers, no header, optionally
 * gzipped (detected by the gzip magic bytes 1f 8b, not by the extension). The electricity file
 * is 26,304 hourly rows x 321 clients starting 2012-01-01 00:00; timestamps are synthesised as
 * `start + row * step` (UTC).
 *
 * The bytes are scanned in place into one Float32Array [T, N] (see textscan.ts): peak memory is
 * the file (plus its decompressed copy) and the 34 MB matrix, far below 1 GB.
 */
import * as path from 'node:path';
import type { TimeSeriesDataset } from './types';
import { maybeGunzip, readFileBytes, scanTable } from './textscan';

export interface LstnetOptions {
  /** First timestamp, ms since epoch UTC. Default 2012-01-01 00:00 UTC (electricity). */
  readonly startMs?: number;
  /** Time step in seconds. Default 3600 (hourly). */
  readonly stepSeconds?: number;
  /** Registry name used in messages and in the result. Default "electricity-lstnet". */
  readonly name?: string;
}

export const LSTNET_ELECTRICITY_START_MS = Date.UTC(2012, 0, 1, 0, 0, 0);

/** Load an LSTNet-format matrix file (plain or gzipped). */
export function loadLstnet(file: string, options: LstnetOptions = {}): TimeSeriesDataset {
  const name = options.name ?? 'electricity-lstnet';
  const startMs = options.startMs ?? LSTNET_ELECTRICITY_START_MS;
  const step = options.stepSeconds ?? 3600;
  const fix = `download electricity.txt.gz from the LSTNet data repository (see 'dive data describe ${name}') and pass --file PATH`;
  const text = maybeGunzip(readFileBytes(file, fix), file);
  const scan = scanTable(text, { file, delimiter: 44, headerLines: 0 });
  const timestamps = new Float64Array(scan.rows);
  for (let i = 0; i < scan.rows; i++) timestamps[i] = startMs + i * step * 1000;
  const channelNames = Array.from({ length: scan.cols }, (_, i) => `series${i}`);
  return {
    name,
    source: path.resolve(file),
    channelNames,
    sampleRateHz: 1 / step,
    segments: [{ id: path.basename(file).replace(/(\.txt)?(\.gz)?$/, ''), values: scan.values, length: scan.rows, channels: scan.cols, timestamps }],
    meta: { stepSeconds: step, start: new Date(startMs).toISOString(), timestamps: 'synthesised (start + row * step)' },
  };
}
