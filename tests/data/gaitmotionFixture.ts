/**
 * Generated GaitMotion exports (the CSV layout of scripts/gaitmotion-export.py) for tests:
 * realistic shape (1000 Hz, 6 IMU channels, step mask, stride lengths with gaps), seeded by
 * group and subject.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { tempDir } from './helpers';

export const HEADER = 'acc_x,acc_y,acc_z,gyro_x,gyro_y,gyro_z,step,stride_length_cm';
export const GROUPS = ['Normal', 'Shuffle', 'Stroke'] as const;

/** One generated trial: its CSV text plus what the tests need to know about it. */
export interface Trial {
  readonly group: number;
  readonly subject: number;
  readonly rows: number;
  /** Strides as half-open row ranges [from, to) with their length (cm). */
  readonly strides: readonly { from: number; to: number; cm: number }[];
  /** The 6 sensor values of row 0, as written. */
  readonly firstRow: readonly number[];
  readonly text: string;
}

const r4 = (v: number): number => Math.round(v * 1e4) / 1e4;

/**
 * A GaitMotion-like trial at 1000 Hz: per-group stride period (normal 1.1 s, Parkinson's 1.3 s,
 * stroke 1.2 s) and typical stride length (130 / 80 / 100 cm, varying stride to stride);
 * accelerometer ≈ gravity + a few m/s² of gait-cycle harmonics, gyroscope ±200 deg/s; step
 * mask 1 during the first 60 % of each cycle (stance); stride lengths empty for the first 300
 * rows, in a 40-row gap after each stride and after the last whole stride.
 */
export function makeTrial(group: number, subject: number, rows: number): Trial {
  const period = [1100, 1300, 1200][group] + 10 * subject;
  const baseCm = [130, 80, 100][group] + subject;
  const phase0 = (subject * 0.37 + group) % 1;
  const strides: { from: number; to: number; cm: number }[] = [];
  for (let k = 0, from = 300; from + period <= rows; k++, from += period) {
    strides.push({ from, to: from + period - 40, cm: Math.round((baseCm + 8 * Math.sin(1.7 * k + subject)) * 100) / 100 });
  }
  const cmAt = new Array<string>(rows).fill('');
  for (const s of strides) for (let t = s.from; t < s.to; t++) cmAt[t] = String(s.cm);
  const lines: string[] = [HEADER];
  let firstRow: number[] = [];
  for (let t = 0; t < rows; t++) {
    const ph = 2 * Math.PI * (t / period + phase0);
    const v = [
      r4(9.81 + 3 * Math.sin(ph) + 0.5 * Math.sin(2 * ph)),
      r4(1.5 * Math.cos(ph + group)),
      r4(-2 * Math.sin(ph + 0.3 * subject)),
      r4(200 * Math.sin(ph + 1)),
      r4(40 * Math.cos(2 * ph)),
      r4(-25 * Math.sin(ph)),
    ];
    if (t === 0) firstRow = v;
    const step = ((t / period + phase0) % 1) < 0.6 ? 1 : 0;
    lines.push(`${v.join(',')},${step},${cmAt[t]}`);
  }
  return { group, subject, rows, strides, firstRow, text: `${lines.join('\n')}\n` };
}

/** Write trials as a GaitMotion export (`<Group>/P<subject>_1_L.csv`); returns the folder. */
export function writeExport(trials: readonly Trial[], dir = tempDir('divelab-gaitmotion-'), folders: readonly string[] = GROUPS): string {
  for (const f of folders) fs.mkdirSync(path.join(dir, f), { recursive: true });
  for (const t of trials) fs.writeFileSync(path.join(dir, folders[t.group], `P${t.subject}_1_L.csv`), t.text);
  return dir;
}

/** 3 groups × 10 subjects × 1 trial × 1 foot, ≈ 6,000 rows each. */
export function standardTrials(): Trial[] {
  const out: Trial[] = [];
  for (let g = 0; g < 3; g++) for (let s = 1; s <= 10; s++) out.push(makeTrial(g, s, 5800 + 37 * s + 11 * g));
  return out;
}

