/**
 * Loader for the PhysioNet "Gait in Neurodegenerative Disease Database" v1.0.0 (Hausdorff et
 * al. 2000): 64 subjects (control1..16, als1..13, hunt1..20, park1..15), each with
 * - `NAME.let` / `NAME.rit`: left/right foot force, WFDB format 212, 300 Hz, 90,000 samples,
 *   scaled by `NAME.hea` (physical = (adc − baseline) / gain; see wfdb.ts);
 * - `NAME.ts`: the stride-by-stride series, 13 tab-separated columns (elapsed time (s) at the
 *   end of the stride, left stride (s), right stride (s), …);
 * - one line in `subject-description.txt` (tab-separated: id, group, age, height (m),
 *   weight (kg), gender, gait speed (m/s), duration/severity; 'MISSING' marks a missing value).
 *
 * Result: one segment per subject, channels [left, right] force, downsampled by an integer
 * factor (default 3: 300 Hz → 100 Hz) by BLOCK AVERAGING — each output sample is the mean of
 * `factor` consecutive input samples (a boxcar low-pass then decimation; a trailing incomplete
 * block is dropped). Segment label: `group` (control, als, hunt, park).
 *
 * File quirks handled (as found in v1.0.0): the ALS rows have GROUP 'subjects' (the group is
 * taken from the record name's prefix and cross-checked); hunt20's line is broken after its
 * 'MISSING' speed, with the severity on a continuation line starting with a tab (merged);
 * invalid samples (ADC -2048, e.g. the first right-foot sample of several records and 2,251 in
 * hunt13.rit) are filled by linear interpolation and counted in `GaitSubject.invalidSamples`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Segment, TimeSeriesDataset } from './types';
import { UserError } from '../util/errors';
import { readFileBytes, scanTable } from './textscan';
import { readWfdbRecord, toPhysical } from './wfdb';

export const GAIT_GROUPS = ['control', 'als', 'hunt', 'park'] as const;
export type GaitGroup = (typeof GAIT_GROUPS)[number];

export interface GaitStrides {
  /** Elapsed time (s) at the end of each stride (column 1 of NAME.ts). */
  readonly time: Float64Array;
  /** Mean of left and right stride time (s) per stride (columns 2 and 3). */
  readonly strideTime: Float64Array;
}

export interface GaitSubject {
  readonly id: string;
  readonly group: GaitGroup;
  /** Index into GAIT_GROUPS. */
  readonly groupIndex: number;
  /** Gait speed (m/s); NaN when the description says MISSING. */
  readonly gaitSpeed: number;
  readonly age: number;
  readonly heightM: number;
  readonly weightKg: number;
  readonly gender: string;
  /** Duration/severity score as given (NaN when missing). */
  readonly severity: number;
  readonly strides: GaitStrides;
  /** Invalid ADC samples filled by interpolation, [left, right] (at 300 Hz). */
  readonly invalidSamples: readonly [number, number];
}

/** The gait data set: the generic contract plus per-subject metadata and stride series. */
export interface GaitDataset extends TimeSeriesDataset {
  /** One per segment, same order. */
  readonly subjects: readonly GaitSubject[];
  /** The integer downsampling factor that was applied. */
  readonly downsample: number;
  /** Sampling rate of the recorded signals (Hz) before downsampling. */
  readonly originalRateHz: number;
}

export interface GaitLoadOptions {
  /** Integer block-averaging factor (1 = keep 300 Hz). Default 3 (100 Hz). */
  readonly downsample?: number;
  /** Load only these record names (default: all, from RECORDS or the *.hea files). */
  readonly records?: readonly string[];
}

export interface SubjectRow {
  readonly id: string;
  readonly groupText: string;
  readonly age: number;
  readonly heightM: number;
  readonly weightKg: number;
  readonly gender: string;
  readonly gaitSpeed: number;
  readonly severity: number;
}

function numOrNaN(text: string | undefined, file: string, line: number, what: string): number {
  if (text === undefined || text === '' || /^missing$/i.test(text)) return NaN;
  const v = Number(text);
  if (!Number.isFinite(v)) throw new UserError(`${file}:${line}: ${what} '${text}' is neither a number nor MISSING; fix the subject description`);
  return v;
}

/** Parse `subject-description.txt` (see module doc for its layout and quirks). */
export function parseSubjectDescription(text: string, file: string): Map<string, SubjectRow> {
  const lines = text.split(/\r?\n/);
  const records: { fields: string[]; line: number }[] = [];
  let headerSeen = false;
  lines.forEach((raw, i) => {
    if (raw.trim() === '') return;
    const fields = raw.split('\t').map((s) => s.trim());
    if (!headerSeen) {
      headerSeen = true;
      if (!/GROUP/i.test(raw)) throw new UserError(`${file}:1: expected a header with GROUP, AGE, … columns; check that this is gaitndd's subject-description.txt`);
      return;
    }
    const prev = records[records.length - 1];
    if (fields[0] === '' && prev && prev.fields.length < 8) {
      prev.fields.push(...fields.slice(1).filter((f) => f !== ''));
      return;
    }
    records.push({ fields, line: i + 1 });
  });
  const out = new Map<string, SubjectRow>();
  for (const { fields: f, line } of records) {
    if (f.length < 7) throw new UserError(`${file}:${line}: expected 8 tab-separated fields (id, group, age, height, weight, gender, speed, severity), got ${f.length}; fix that line`);
    out.set(f[0], {
      id: f[0],
      groupText: f[1],
      age: numOrNaN(f[2], file, line, 'age'),
      heightM: numOrNaN(f[3], file, line, 'height'),
      weightKg: numOrNaN(f[4], file, line, 'weight'),
      gender: f[5],
      gaitSpeed: numOrNaN(f[6], file, line, 'gait speed'),
      severity: numOrNaN(f[7], file, line, 'severity'),
    });
  }
  return out;
}

/** The group of a record from its name prefix (control7 → control). */
export function groupOfRecord(id: string): GaitGroup | undefined {
  const m = /^([a-z]+)\d+$/.exec(id);
  return m && (GAIT_GROUPS as readonly string[]).includes(m[1]) ? (m[1] as GaitGroup) : undefined;
}

/** Block-average an interleaved [n, channels] array by an integer factor (drops a partial tail). */
export function blockAverage(values: Float32Array, channels: number, factor: number): Float32Array {
  if (factor === 1) return values;
  const n = Math.floor(values.length / channels / factor);
  const out = new Float32Array(n * channels);
  for (let t = 0; t < n; t++) {
    for (let c = 0; c < channels; c++) {
      let s = 0;
      for (let k = 0; k < factor; k++) s += values[(t * factor + k) * channels + c];
      out[t * channels + c] = s / factor;
    }
  }
  return out;
}

/** Load the stride series NAME.ts (13 tab-separated columns). */
export function loadStrides(file: string): GaitStrides {
  const scan = scanTable(readFileBytes(file, "fetch the record again ('dive data fetch gaitndd')"), { file, delimiter: 9, headerLines: 0, expectedFields: 13 });
  const time = new Float64Array(scan.rows);
  const strideTime = new Float64Array(scan.rows);
  for (let r = 0; r < scan.rows; r++) {
    time[r] = scan.values[r * 13];
    strideTime[r] = (scan.values[r * 13 + 1] + scan.values[r * 13 + 2]) / 2;
  }
  return { time, strideTime };
}

function listRecords(dir: string): string[] {
  const rec = path.join(dir, 'RECORDS');
  if (fs.existsSync(rec)) return fs.readFileSync(rec, 'latin1').split(/\r?\n/).map((s) => s.trim()).filter(Boolean);
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    throw new UserError(`gaitndd folder not found: ${dir}; run 'dive data fetch gaitndd' or pass --file FOLDER`);
  }
  return names.filter((n) => n.endsWith('.hea')).map((n) => n.slice(0, -4)).sort();
}

/** Load the gaitndd folder `dir`. */
export function loadGaitndd(dir: string, options: GaitLoadOptions = {}): GaitDataset {
  const factor = options.downsample ?? 3;
  if (!Number.isInteger(factor) || factor < 1) throw new UserError(`gaitndd downsample factor must be a whole number ≥ 1, got ${factor}`);
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
    throw new UserError(`gaitndd folder not found: ${dir}; run 'dive data fetch gaitndd' or pass --file FOLDER (the folder holding RECORDS, *.hea, *.let, *.rit, *.ts)`);
  }
  const descFile = path.join(dir, 'subject-description.txt');
  const desc = parseSubjectDescription(readFileBytes(descFile, "fetch it again ('dive data fetch gaitndd')").toString('latin1'), descFile);
  const records = options.records ?? listRecords(dir);
  if (records.length === 0) throw new UserError(`${dir} holds no WFDB records (*.hea); check the folder`);
  const segments: Segment[] = [];
  const subjects: GaitSubject[] = [];
  let rate: number | undefined;
  let units = 'mV';
  for (const id of records) {
    const group = groupOfRecord(id);
    if (!group) throw new UserError(`${dir}: record '${id}' is not named control|als|hunt|park + number; remove it from RECORDS`);
    const row = desc.get(id);
    if (!row) throw new UserError(`${descFile}: no line for record '${id}'; add it or remove the record`);
    const expectedText = group === 'als' ? ['als', 'subjects'] : [group];
    if (!expectedText.includes(row.groupText.toLowerCase())) {
      throw new UserError(`${descFile}: record '${id}' has GROUP '${row.groupText}', expected ${expectedText.join(' or ')}; fix the description`);
    }
    const hea = path.join(dir, `${id}.hea`);
    const rec = readWfdbRecord(hea);
    if (rec.header.signals.length !== 2) throw new UserError(`${hea}: expected 2 signals (left, right foot), found ${rec.header.signals.length}`);
    if (rate !== undefined && rec.header.samplingFrequency !== rate) {
      throw new UserError(`${hea}: sampling frequency ${rec.header.samplingFrequency} Hz differs from the other records' ${rate} Hz`);
    }
    rate = rec.header.samplingFrequency;
    units = rec.header.signals[0].units;
    const order = rec.header.signals.map((s) => (/left|\.let$/i.test(`${s.description} ${s.file}`) ? 0 : 1));
    const li = order.indexOf(0) >= 0 ? order.indexOf(0) : 0;
    const ri = li === 0 ? 1 : 0;
    const left = toPhysical(rec.adc[li], rec.header.signals[li], `${hea} (${rec.header.signals[li].file})`);
    const right = toPhysical(rec.adc[ri], rec.header.signals[ri], `${hea} (${rec.header.signals[ri].file})`);
    const inter = new Float32Array(rec.samples * 2);
    for (let t = 0; t < rec.samples; t++) {
      inter[2 * t] = left.values[t];
      inter[2 * t + 1] = right.values[t];
    }
    const values = blockAverage(inter, 2, factor);
    const length = values.length / 2;
    const groupIndex = GAIT_GROUPS.indexOf(group);
    segments.push({ id, values, length, channels: 2, segmentLabels: { group: groupIndex } });
    subjects.push({
      id,
      group,
      groupIndex,
      gaitSpeed: row.gaitSpeed,
      age: row.age,
      heightM: row.heightM,
      weightKg: row.weightKg,
      gender: row.gender,
      severity: row.severity,
      strides: loadStrides(path.join(dir, `${id}.ts`)),
      invalidSamples: [left.filled, right.filled],
    });
  }
  const originalRateHz = rate ?? 300;
  return {
    name: 'gaitndd',
    source: path.resolve(dir),
    channelNames: ['left-foot', 'right-foot'],
    sampleRateHz: originalRateHz / factor,
    segments,
    subjects,
    downsample: factor,
    originalRateHz,
    meta: {
      units: `${units} (WFDB default: the headers give no units; values are (adc - baseline) / gain)`,
      downsample: `${factor} (block averaging, ${originalRateHz} Hz -> ${originalRateHz / factor} Hz)`,
      missingGaitSpeed: subjects.filter((s) => Number.isNaN(s.gaitSpeed)).map((s) => s.id),
      invalidSamplesFilled: Object.fromEntries(subjects.filter((s) => s.invalidSamples[0] + s.invalidSamples[1] > 0).map((s) => [s.id, s.invalidSamples[0] + s.invalidSamples[1]])),
    },
  };
}

/** Type guard: was this data set produced by loadGaitndd? */
export function isGaitDataset(d: TimeSeriesDataset): d is GaitDataset {
  return Array.isArray((d as Partial<GaitDataset>).subjects);
}
