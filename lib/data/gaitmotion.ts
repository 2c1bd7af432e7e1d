/**
 * Loader for GaitMotion (Zhang et al., arXiv 2405.09569; data: UBC Dataverse,
 * doi:10.5683/SP3/V6C59O), read from the CSV export written by `scripts/gaitmotion-export.py`
 * (the release holds Python pickles, which TypeScript cannot sensibly read). Layout:
 *
 *   <folder>/Normal/P<subject>_<trial…>_<L|R>.csv     normal gait
 *   <folder>/Shuffle/…  (or Parkinson/…)               Parkinson's (shuffling) gait
 *   <folder>/Stroke/…                                  stroke gait
 *
 * Each CSV is one trial of one foot, one row per sample at 1000 Hz, no timestamps, header
 * `acc_x,acc_y,acc_z,gyro_x,gyro_y,gyro_z,step,stride_length_cm`:
 * - acc_* accelerometer (m/s², inferred: the authors' ZUPT thresholds are 9–11 on its norm),
 *   gyro_* gyroscope (deg/s; the authors convert to radians) — the 6 channels, kept as recorded
 *   (no low-pass filter, no 200-sample crop, unlike the authors' training loader);
 * - step: the ground-truth step mask x[:,-2] (0/1), kept per row in `GaitMotionTrial.step`;
 * - stride_length_cm: the GaitRite stride length (cm) of the stride the sample belongs to, EMPTY
 *   outside any stride (read as NaN), kept per row in `GaitMotionTrial.strideLengthCm` — the
 *   source of the per-window `strideBin` label (labels.ts), as gaitndd's `subjects[].strides`.
 *
 * Result: one segment per CSV file, id `<Group>/<stem>` (e.g. `Shuffle/P3_1_L`), channels
 * [acc_x, acc_y, acc_z, gyro_x, gyro_y, gyro_z]; segment labels `gaitType` (0 normal,
 * 1 parkinson, 2 stroke) and `subject` (the integer after `P`; the same subjects walk all three
 * gait types, so the default split groups segments by it, see registry.ts).
 *
 * Strict, like the other loaders: a missing folder or group folder, a group without CSV files,
 * a wrong header, a malformed or empty sensor/step cell, a step other than 0/1, a non-positive
 * stride length, a file with no stride length at all and a file shorter than one default window
 * (1,800 rows) are one-line UserErrors naming the file (and line) and the fix.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Segment, TimeSeriesDataset, WindowSpec } from './types';
import { readFileBytes, scanTable } from './textscan';
import { UserError } from '../util/errors';

/** Gait types, index = the `gaitType` class id. */
export const GAITMOTION_TYPES = ['normal', 'parkinson', 'stroke'] as const;
export type GaitMotionType = (typeof GAITMOTION_TYPES)[number];

/** Group folders per gait type (index as GAITMOTION_TYPES); Parkinson's: the release's `Shuffle`, or `Parkinson`. */
export const GAITMOTION_FOLDERS: readonly (readonly string[])[] = [['Normal'], ['Shuffle', 'Parkinson'], ['Stroke']];

/** The export's header, in order. */
export const GAITMOTION_COLUMNS = ['acc_x', 'acc_y', 'acc_z', 'gyro_x', 'gyro_y', 'gyro_z', 'step', 'stride_length_cm'] as const;
export const GAITMOTION_CHANNELS = GAITMOTION_COLUMNS.slice(0, 6);
export const GAITMOTION_RATE_HZ = 1000;

/**
 * The paper's window protocol at 1000 Hz: 1,000 input samples (1 s), forecast the next 800
 * (0.8 s). Windows start every 50 samples (50 ms): stride 1 would give ~20× more, nearly
 * identical windows (≈ 4,000 per 6 s trial instead of ≈ 85).
 */
export const GAITMOTION_WINDOW: WindowSpec = { inputLength: 1000, horizon: 800, targetLength: 800, stride: 50 };

/** Stride-length classes of the paper ("stride length binned 0–13"). */
export const GAITMOTION_STRIDE_BINS = 14;

const EXPORT_FIX = "export the trials with 'python3 scripts/gaitmotion-export.py IN OUT' and pass --file OUT";

/** One CSV file: one trial of one foot. */
export interface GaitMotionTrial {
  /** `<Group>/<stem>`, the segment id. */
  readonly id: string;
  readonly file: string;
  /** The group folder it was read from (Normal, Shuffle, Parkinson or Stroke). */
  readonly folder: string;
  readonly gaitType: GaitMotionType;
  /** Index into GAITMOTION_TYPES. */
  readonly gaitTypeIndex: number;
  /** The integer after `P` in the file name. */
  readonly subject: number;
  /** Ground-truth step mask per row (0/1), [length]. */
  readonly step: Uint8Array;
  /** Stride length (cm) per row, NaN outside any stride, [length]. */
  readonly strideLengthCm: Float32Array;
  /** Rows with a stride length. */
  readonly labelledRows: number;
}

/** The GaitMotion data set: the generic contract plus per-trial step masks and stride lengths. */
export interface GaitMotionDataset extends TimeSeriesDataset {
  /** One per segment, same order. */
  readonly trials: readonly GaitMotionTrial[];
}

export interface GaitMotionLoadOptions {
  /** Minimum rows per file (default: one default window, input 1000 + horizon 800 = 1,800). */
  readonly minRows?: number;
}

/** Read one exported CSV (see module doc); `id`, group and subject come from the caller. */
export function readGaitMotionCsv(file: string, minRows: number): { rows: number; values: Float32Array; step: Uint8Array; strideLengthCm: Float32Array; labelledRows: number } {
  const bytes = readFileBytes(file, EXPORT_FIX);
  const nl = bytes.indexOf(10);
  const headerText = bytes.subarray(0, nl < 0 ? bytes.length : nl).toString('latin1').replace(/\r$/, '');
  const expected = GAITMOTION_COLUMNS.join(',');
  if (headerText.split(',').map((s) => s.trim()).join(',') !== expected) {
    const shown = headerText.length > 80 ? `${headerText.slice(0, 80)}…` : headerText;
    throw new UserError(`${file}:1: header '${shown}' is not the GaitMotion export header '${expected}'; ${EXPORT_FIX}`);
  }
  const C = GAITMOTION_COLUMNS.length;
  const scan = scanTable(bytes, { file, delimiter: 44, headerLines: 1, expectedFields: C, columnNames: GAITMOTION_COLUMNS, emptyAsNaN: [C - 1] });
  const rows = scan.rows;
  if (rows < minRows) {
    throw new UserError(`${file}: ${rows} rows (${rows / GAITMOTION_RATE_HZ} s at ${GAITMOTION_RATE_HZ} Hz) are fewer than one window (${minRows} rows: input ${GAITMOTION_WINDOW.inputLength} + horizon ${GAITMOTION_WINDOW.horizon}); remove the file or export the whole trial`);
  }
  const values = new Float32Array(rows * 6);
  const step = new Uint8Array(rows);
  const strideLengthCm = new Float32Array(rows);
  let labelledRows = 0;
  for (let r = 0; r < rows; r++) {
    const src = r * C;
    for (let c = 0; c < 6; c++) values[r * 6 + c] = scan.values[src + c];
    const s = scan.values[src + 6];
    if (s !== 0 && s !== 1) throw new UserError(`${file}:${r + 2}: step is ${s}, expected 0 or 1 (the ground-truth step mask x[:,-2]); check the export`);
    step[r] = s;
    const len = scan.values[src + 7];
    if (!Number.isNaN(len)) {
      if (!(len > 0)) throw new UserError(`${file}:${r + 2}: stride_length_cm is ${len}, expected a positive length in cm (or empty outside strides); check the export`);
      labelledRows++;
    }
    strideLengthCm[r] = len;
  }
  if (labelledRows === 0) throw new UserError(`${file}: stride_length_cm is empty on every row, so no window can get a stride label; check the trial's Stride_length and seg_index and export it again`);
  return { rows, values, step, strideLengthCm, labelledRows };
}

/** The group folder of one gait type inside `dir` (exact names, see GAITMOTION_FOLDERS). */
function groupFolder(dir: string, typeIndex: number): string {
  const names = GAITMOTION_FOLDERS[typeIndex];
  const present = names.filter((n) => fs.existsSync(path.join(dir, n)) && fs.statSync(path.join(dir, n)).isDirectory());
  if (present.length === 0) {
    throw new UserError(`${dir}: no ${names.map((n) => `${n}/`).join(' or ')} folder (${GAITMOTION_TYPES[typeIndex]} gait); the export needs Normal/, Shuffle/ (or Parkinson/) and Stroke/ — ${EXPORT_FIX}`);
  }
  if (present.length > 1) throw new UserError(`${dir}: both ${present.map((n) => `${n}/`).join(' and ')} hold Parkinson's trials; keep one of them`);
  return present[0];
}

/** Load the GaitMotion CSV export in `dir` (see module doc). */
export function loadGaitMotion(dir: string, options: GaitMotionLoadOptions = {}): GaitMotionDataset {
  const minRows = options.minRows ?? GAITMOTION_WINDOW.inputLength + GAITMOTION_WINDOW.horizon;
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
    throw new UserError(`GaitMotion folder not found: ${dir}; download GaitMotion (https://doi.org/10.5683/SP3/V6C59O), ${EXPORT_FIX}`);
  }
  const segments: Segment[] = [];
  const trials: GaitMotionTrial[] = [];
  const perType = [0, 0, 0];
  for (let t = 0; t < GAITMOTION_TYPES.length; t++) {
    const folder = groupFolder(dir, t);
    const groupDir = path.join(dir, folder);
    const files = fs
      .readdirSync(groupDir)
      .filter((n) => n.endsWith('.csv') && !n.startsWith('.'))
      .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
    if (files.length === 0) throw new UserError(`${groupDir} holds no *.csv files; ${EXPORT_FIX}`);
    for (const name of files) {
      const file = path.join(groupDir, name);
      const stem = name.slice(0, -4);
      const m = /^P(\d+)/.exec(stem);
      if (!m) throw new UserError(`${file}: the file name does not start with P<subject> (e.g. P3_1_L.csv); keep the release's file names`);
      const subject = Number(m[1]);
      const r = readGaitMotionCsv(file, minRows);
      const id = `${folder}/${stem}`;
      segments.push({ id, values: r.values, length: r.rows, channels: 6, segmentLabels: { gaitType: t, subject } });
      trials.push({ id, file, folder, gaitType: GAITMOTION_TYPES[t], gaitTypeIndex: t, subject, step: r.step, strideLengthCm: r.strideLengthCm, labelledRows: r.labelledRows });
      perType[t]++;
    }
  }
  const rows = segments.reduce((s, g) => s + g.length, 0);
  const labelled = trials.reduce((s, g) => s + g.labelledRows, 0);
  return {
    name: 'gaitmotion',
    source: path.resolve(dir),
    channelNames: [...GAITMOTION_CHANNELS],
    sampleRateHz: GAITMOTION_RATE_HZ,
    segments,
    trials,
    meta: {
      units: 'acc_x..acc_z m/s² (inferred), gyro_x..gyro_z deg/s, as exported (not filtered, not cropped)',
      trialsPerGaitType: Object.fromEntries(GAITMOTION_TYPES.map((g, i) => [g, perType[i]])),
      parkinsonFolder: trials.find((t) => t.gaitTypeIndex === 1)?.folder,
      subjects: new Set(trials.map((t) => t.subject)).size,
      strideLength: `cm per sample from stride_length_cm; ${(100 * labelled / rows).toFixed(1)}% of rows lie inside a stride`,
    },
  };
}

/** Type guard: was this data set produced by loadGaitMotion? */
export function isGaitMotionDataset(d: TimeSeriesDataset): d is GaitMotionDataset {
  return Array.isArray((d as Partial<GaitMotionDataset>).trials);
}
