import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { GAITMOTION_WINDOW, isGaitMotionDataset, loadGaitMotion } from '../../lib/data/gaitmotion';
import { binOf, labelWindows, nearestLabelled } from '../../lib/data/labels';
import type { GaitMotionDataset } from '../../lib/data/gaitmotion';
import { DATASETS, resolveDataPath } from '../../lib/data/registry';
import { prepareData } from '../../lib/data/prepare';
import { fetchDataset } from '../../lib/data/fetch';
import { filesPresent, chooseData } from '../../lib/study/run/dataChoice';
import { SPLIT_NAMES } from '../../lib/data/splits';
import { main } from '../../lib/cli/main';
import { capture, tempDir, userError } from './helpers';
import { GROUPS, HEADER, makeTrial, standardTrials, writeExport, type Trial } from './gaitmotionFixture';


/** The expected stride length at `row`, computed from the generator's strides (nearest, earlier on ties). */
function expectedCm(t: Trial, row: number): number {
  let best = NaN;
  let bestDist = Infinity;
  for (const s of t.strides) {
    const d = row < s.from ? s.from - row : row >= s.to ? row - (s.to - 1) : 0;
    if (d < bestDist) {
      bestDist = d;
      best = s.cm;
    }
  }
  return best;
}

const windowsOf = (rows: number) => Math.floor((rows - 1800) / 50) + 1;

describe('GaitMotion loader on a generated export (3 groups × 10 subjects, ≈ 6,000 rows each)', () => {
  let trials: Trial[];
  let dir: string;
  beforeAll(() => {
    trials = standardTrials();
    dir = writeExport(trials);
  });

  it('reads one segment per file: 6 channels at 1000 Hz, gaitType and subject labels, exact first values', () => {
    const d = loadGaitMotion(dir);
    expect(isGaitMotionDataset(d)).toBe(true);
    expect(d.name).toBe('gaitmotion');
    expect(d.channelNames).toEqual(['acc_x', 'acc_y', 'acc_z', 'gyro_x', 'gyro_y', 'gyro_z']);
    expect(d.sampleRateHz).toBe(1000);
    expect(d.segments).toHaveLength(30);
    // Numeric file order: P1, P2, …, P10 within each group, groups Normal, Shuffle, Stroke.
    expect(d.segments.slice(0, 3).map((s) => s.id)).toEqual(['Normal/P1_1_L', 'Normal/P2_1_L', 'Normal/P3_1_L']);
    expect(d.segments[9].id).toBe('Normal/P10_1_L');
    expect(d.segments[10].id).toBe('Shuffle/P1_1_L');
    for (let i = 0; i < 30; i++) {
      const s = d.segments[i];
      const t = trials[i];
      expect(s.channels).toBe(6);
      expect(s.length).toBe(t.rows);
      expect(s.values).toHaveLength(t.rows * 6);
      expect(s.segmentLabels).toEqual({ gaitType: t.group, subject: t.subject });
      expect(Array.from(s.values.subarray(0, 6))).toEqual(t.firstRow.map(Math.fround));
    }
    const tr = d.trials[12]; // Shuffle/P3_1_L
    expect(tr).toMatchObject({ id: 'Shuffle/P3_1_L', folder: 'Shuffle', gaitType: 'parkinson', gaitTypeIndex: 1, subject: 3 });
    const gen = trials[12];
    expect(tr.strideLengthCm).toHaveLength(gen.rows);
    expect(tr.strideLengthCm[0]).toBeNaN();
    expect(tr.strideLengthCm[gen.strides[0].from]).toBe(Math.fround(gen.strides[0].cm));
    expect(tr.strideLengthCm[gen.strides[0].to]).toBeNaN(); // the 40-row gap after a stride
    expect(tr.labelledRows).toBe(gen.strides.reduce((n, s) => n + s.to - s.from, 0));
    expect(Array.from(tr.step.subarray(0, 3)).every((v) => v === 0 || v === 1)).toBe(true);
    expect(d.meta).toMatchObject({ trialsPerGaitType: { normal: 10, parkinson: 10, stroke: 10 }, parkinsonFolder: 'Shuffle', subjects: 10 });
  });

  it("accepts Parkinson/ instead of Shuffle/", () => {
    const alt = writeExport(trials.filter((t) => t.subject <= 2), undefined, ['Normal', 'Parkinson', 'Stroke']);
    const d = loadGaitMotion(alt);
    expect(d.segments.map((s) => s.id)).toEqual(['Normal/P1_1_L', 'Normal/P2_1_L', 'Parkinson/P1_1_L', 'Parkinson/P2_1_L', 'Stroke/P1_1_L', 'Stroke/P2_1_L']);
    expect(d.trials[2].gaitType).toBe('parkinson');
  });

  it("prepareData('gaitmotion'): the paper's windows, 8:1:1 by subject, gaitType + 14 stride-length bins", () => {
    const p = prepareData('gaitmotion', { file: dir });
    expect(p.spec).toEqual({ inputLength: 1000, horizon: 800, targetLength: 800, stride: 50 });
    expect(p.scaler.kind).toBe('zscore');
    // Whole subjects per split: 8/1/1 subjects, all three gait types of a subject together.
    const subjects = Object.fromEntries(SPLIT_NAMES.map((s) => [s, p.split.rows[s].map((r) => p.dataset.segments[r.segment].segmentLabels!.subject)]));
    const sets = SPLIT_NAMES.map((s) => new Set(subjects[s]));
    expect(sets.map((s) => s.size)).toEqual([8, 1, 1]);
    expect(new Set([...sets[0], ...sets[1], ...sets[2]]).size).toBe(10);
    expect(SPLIT_NAMES.map((s) => subjects[s].length)).toEqual([24, 3, 3]);
    expect(p.protocol).toMatch(/^by subject 0\.8\/0\.1\/0\.1 \(seed 0; 8\/1\/1 subjects, 24\/3\/3 segments\)/);
    // Window counts: ⌊(rows − 1800) / 50⌋ + 1 per segment of the split.
    for (const s of SPLIT_NAMES) {
      const expected = p.split.rows[s].reduce((n, r) => n + windowsOf(p.dataset.segments[r.segment].length), 0);
      expect(p[s].count).toBe(expected);
    }
    expect(p.train.count).toBeGreaterThan(2000);
    // Labels.
    expect(p.train.labels.map((l) => `${l.name}:${l.classes.length}`)).toEqual(['gaitType:3', 'strideBin:14']);
    expect(p.train.labels[0].classes).toEqual(['normal', 'parkinson', 'stroke']);
    expect(p.train.labels[1].classes[0]).toMatch(/^b0 \[-∞, [\d.]+\) cm$/);
    const edges = p.binEdges.strideBin;
    expect(edges).toHaveLength(13);
    for (let j = 1; j < edges.length; j++) expect(edges[j]).toBeGreaterThanOrEqual(edges[j - 1]);
    const byId = new Map(trials.map((t) => [`${GROUPS[t.group]}/P${t.subject}_1_L`, t]));
    const last = GAITMOTION_WINDOW.inputLength + GAITMOTION_WINDOW.horizon - 1;
    let outside = 0;
    for (const s of SPLIT_NAMES) {
      const set = p[s];
      for (let i = 0; i < set.count; i++) {
        const segIndex = set.positions.segment[i];
        const t = byId.get(p.dataset.segments[segIndex].id)!;
        expect(set.label(i, 0)).toBe(t.group);
        const bin = set.label(i, 1);
        expect(bin).toBeGreaterThanOrEqual(0);
        expect(bin).toBeLessThanOrEqual(13);
        const row = set.positions.start[i] + last;
        if (!t.strides.some((st) => row >= st.from && row < st.to)) outside++;
        expect(bin).toBe(binOf(edges, Math.fround(expectedCm(t, row))));
      }
    }
    expect(outside).toBeGreaterThan(0); // some windows end in a gap and take the nearest stride
    expect(p.notes).toEqual([expect.stringMatching(new RegExp(`^${outside} of \\d+ windows end outside a stride`))]);
    // Quantile bins on ≈ 2,000 training windows of ≈ 120 distinct strides: every class is used.
    expect(Array.from(p.classFrequencies[1]).every((f) => f > 0)).toBe(true);
    for (const f of p.classFrequencies[0]) expect(Math.abs(f - 1 / 3)).toBeLessThan(0.03); // one trial per gait type and subject
  });

  it("'dive data describe gaitmotion --file DIR --json' reports segments, labels and bin edges", async () => {
    const io = capture();
    expect(await main(['data', 'describe', 'gaitmotion', '--file', dir, '--json'], io)).toBe(0);
    const r = JSON.parse(io.stdout[0]);
    expect(r).toMatchObject({ name: 'gaitmotion', where: 'explicit', segments: 30, channels: 6, sampleRateHz: 1000 });
    expect(r.labels.map((l: { name: string; classes: string[] }) => `${l.name}:${l.classes.length}`)).toEqual(['gaitType:3', 'strideBin:14']);
    expect(r.binEdges.strideBin).toHaveLength(13);
  });

  it('a different seed moves whole subjects', () => {
    const p = prepareData('gaitmotion', { file: dir, seed: 3 });
    for (const s of SPLIT_NAMES) {
      const subj = new Set(p.split.rows[s].map((r) => p.dataset.segments[r.segment].segmentLabels!.subject));
      expect(p.split.rows[s]).toHaveLength(3 * subj.size);
    }
  });
});

describe('nearestLabelled', () => {
  it('takes the row itself, else the nearest labelled row, the earlier one on a tie', () => {
    const s = Float32Array.from([NaN, NaN, 5, NaN, NaN, 7, NaN, NaN, NaN]);
    expect(nearestLabelled(s, 2)).toBe(5);
    expect(nearestLabelled(s, 0)).toBe(5);
    expect(nearestLabelled(s, 3)).toBe(5);
    expect(nearestLabelled(s, 4)).toBe(7);
    expect(nearestLabelled(s, 8)).toBe(7);
    expect(nearestLabelled([3, NaN, 9], 1)).toBe(3);
    expect(nearestLabelled([NaN, NaN], 1)).toBeNaN();
  });
});

describe('strideBin: the stride length at the last target row', () => {
  it('uses exactly row start + input + horizon − 1, else the nearest labelled row (earlier on a tie)', () => {
    // Contiguous strides (as the export writes them): 10 cm rows 2–5, 20 cm rows 6–9, 30 cm rows
    // 10–12, then empty; window input 3, horizon 2 → last target row = start + 4.
    const cm = Float32Array.from([NaN, NaN, 10, 10, 10, 10, 20, 20, 20, 20, 30, 30, 30, NaN, NaN, NaN]);
    const trial = { id: 'Normal/P1', file: '', folder: 'Normal', gaitType: 'normal', gaitTypeIndex: 0, subject: 1, step: new Uint8Array(16), strideLengthCm: cm, labelledRows: 11 } as const;
    const d: GaitMotionDataset = {
      name: 'gaitmotion', source: 'test', channelNames: ['a'], sampleRateHz: 1000,
      segments: [{ id: 'Normal/P1', values: new Float32Array(16), length: 16, channels: 1 }],
      trials: [trial],
    };
    const at = (...starts: number[]) => ({ segment: new Int32Array(starts.length), start: Int32Array.from(starts) });
    // Train: last target rows 5 (10 cm), 6 (20 cm), 10 (30 cm) → 3 bins with edges 16.7, 23.3.
    const pos = { train: at(1, 2, 6), val: at(0, 1, 2, 5, 6), test: at(9, 10, 11) };
    const l = labelWindows(d, pos, { inputLength: 3, horizon: 2, targetLength: 1, stride: 1 }, { bins: 3 });
    expect(l.specs.map((s) => s.name)).toEqual(['gaitType', 'strideBin']);
    expect(Array.from(l.values.train[1])).toEqual([0, 1, 2]);
    // Val: rows 4, 5 (10 cm) | 6 (20 cm) | 9 (20 cm) | 10 (30 cm): the boundary row is the next stride's.
    expect(Array.from(l.values.val[1])).toEqual([0, 0, 1, 1, 2]);
    // Test: rows 13, 14, 15 are empty; the nearest labelled row is 12 (30 cm).
    expect(Array.from(l.values.test[1])).toEqual([2, 2, 2]);
    expect(l.notes).toEqual(['3 of 11 windows end outside a stride (no stride length at their last target row); they take the nearest labelled row\'s stride length']);
  });
});

describe('GaitMotion at the length of a long trial', () => {
  it('loads and windows a 60,000-row (60 s) file', () => {
    // The real trial length is not known here (the data are out of reach); 60 s at 1000 Hz is
    // several passes over a GaitRite walkway, an upper bound for one trial.
    const trials = [makeTrial(0, 1, 60_000), makeTrial(0, 2, 2000), makeTrial(1, 1, 2000), makeTrial(1, 2, 2000), makeTrial(2, 1, 2000), makeTrial(2, 3, 2000)];
    const dir = writeExport(trials);
    const d = loadGaitMotion(dir);
    expect(d.segments[0].length).toBe(60_000);
    const p = prepareData('gaitmotion', { file: dir });
    const total = SPLIT_NAMES.reduce((n, s) => n + p[s].count, 0);
    expect(total).toBe(windowsOf(60_000) + 5 * windowsOf(2000));
  });
});

describe('GaitMotion bad input: one-line errors naming file, line and fix', () => {
  /** A small valid export (1 subject per group, 1,800 rows each), then `edit` applied. */
  function small(edit?: (dir: string) => void): string {
    const dir = writeExport([makeTrial(0, 1, 1800), makeTrial(1, 1, 1800), makeTrial(2, 1, 1800)]);
    edit?.(dir);
    return dir;
  }
  const normal = (dir: string) => path.join(dir, 'Normal', 'P1_1_L.csv');
  /** Replace data row `row` (0-based; file line row + 2) of Normal/P1_1_L.csv. */
  const setRow = (dir: string, row: number, f: (cells: string[]) => string[]) => {
    const lines = fs.readFileSync(normal(dir), 'latin1').split('\n');
    lines[row + 1] = f(lines[row + 1].split(',')).join(',');
    fs.writeFileSync(normal(dir), lines.join('\n'));
  };

  it('the minimal valid export loads', () => {
    expect(loadGaitMotion(small()).segments).toHaveLength(3);
  });
  it('missing folder', () => {
    userError(() => loadGaitMotion('/nonexistent/gaitmotion'), /^GaitMotion folder not found: \/nonexistent\/gaitmotion; download GaitMotion \(https:\/\/doi\.org\/10\.5683\/SP3\/V6C59O\), export the trials with 'python3 scripts\/gaitmotion-export\.py IN OUT' and pass --file OUT$/);
    userError(() => loadGaitMotion(small((d) => fs.rmSync(path.join(d, 'Stroke'), { recursive: true }))), /: no Stroke\/ folder \(stroke gait\); the export needs Normal\/, Shuffle\/ \(or Parkinson\/\) and Stroke\//);
    userError(() => loadGaitMotion(small((d) => fs.rmSync(path.join(d, 'Shuffle'), { recursive: true }))), /: no Shuffle\/ or Parkinson\/ folder \(parkinson gait\)/);
    userError(() => loadGaitMotion(small((d) => fs.mkdirSync(path.join(d, 'Parkinson')))), /both Shuffle\/ and Parkinson\/ hold Parkinson's trials; keep one of them/);
  });
  it('no CSV files', () => {
    userError(
      () => loadGaitMotion(small((d) => { fs.rmSync(path.join(d, 'Stroke', 'P1_1_L.csv')); fs.writeFileSync(path.join(d, 'Stroke', 'P1_1_L.pkl'), ''); })),
      /Stroke holds no \*\.csv files; export the trials with 'python3 scripts\/gaitmotion-export\.py IN OUT'/,
    );
  });
  it('wrong header', () => {
    const dir = small((d) => fs.writeFileSync(normal(d), fs.readFileSync(normal(d), 'latin1').replace('gyro_x', 'gx')));
    userError(() => loadGaitMotion(dir), /Normal\/P1_1_L\.csv:1: header 'acc_x,acc_y,acc_z,gx,gyro_y,gyro_z,step,stride_length_cm' is not the GaitMotion export header 'acc_x,acc_y,acc_z,gyro_x,gyro_y,gyro_z,step,stride_length_cm'; export the trials with/);
    const seven = small((d) => fs.writeFileSync(normal(d), fs.readFileSync(normal(d), 'latin1').replace(',stride_length_cm', '')));
    userError(() => loadGaitMotion(seven), /P1_1_L\.csv:1: header .* is not the GaitMotion export header/);
    userError(() => loadGaitMotion(small((d) => fs.writeFileSync(normal(d), ''))), /P1_1_L\.csv:1: header '' is not the GaitMotion export header/);
  });
  it('malformed number, with file and line', () => {
    userError(() => loadGaitMotion(small((d) => setRow(d, 3, (c) => { c[1] = '1.2.3'; return c; }))), /Normal\/P1_1_L\.csv:5: field 2 'acc_y' is not a number: '1\.2\.3'; fix the value/);
    userError(() => loadGaitMotion(small((d) => setRow(d, 1, (c) => c.slice(0, 7)))), /P1_1_L\.csv:3: has 7 fields, expected 8/);
  });
  it('NaN or empty in a sensor or step column; NaN text in the stride column', () => {
    userError(() => loadGaitMotion(small((d) => setRow(d, 10, (c) => { c[3] = 'NaN'; return c; }))), /P1_1_L\.csv:12: field 4 'gyro_x' is 'NaN' \(missing\/non-finite values are not allowed\)/);
    userError(() => loadGaitMotion(small((d) => setRow(d, 10, (c) => { c[0] = ''; return c; }))), /P1_1_L\.csv:12: field 1 'acc_x' is empty; fill in the missing value or drop the row/);
    userError(() => loadGaitMotion(small((d) => setRow(d, 20, (c) => { c[6] = ''; return c; }))), /P1_1_L\.csv:22: field 7 'step' is empty/);
    userError(() => loadGaitMotion(small((d) => setRow(d, 20, (c) => { c[6] = '2'; return c; }))), /P1_1_L\.csv:22: step is 2, expected 0 or 1/);
    userError(() => loadGaitMotion(small((d) => setRow(d, 400, (c) => { c[7] = 'nan'; return c; }))), /P1_1_L\.csv:402: field 8 'stride_length_cm' is 'nan'/);
    userError(() => loadGaitMotion(small((d) => setRow(d, 400, (c) => { c[7] = '-5'; return c; }))), /P1_1_L\.csv:402: stride_length_cm is -5, expected a positive length in cm/);
  });
  it('a file with fewer rows than one window, or without any stride length', () => {
    const short = small((d) => fs.writeFileSync(normal(d), makeTrial(0, 1, 1799).text));
    userError(() => loadGaitMotion(short), /Normal\/P1_1_L\.csv: 1799 rows \(1\.799 s at 1000 Hz\) are fewer than one window \(1800 rows: input 1000 \+ horizon 800\); remove the file or export the whole trial/);
    const bare = small((d) => fs.writeFileSync(normal(d), fs.readFileSync(normal(d), 'latin1').replace(/,[\d.]+\n/g, ',\n')));
    userError(() => loadGaitMotion(bare), /P1_1_L\.csv: stride_length_cm is empty on every row/);
  });
  it('a file not named P<subject>…', () => {
    userError(() => loadGaitMotion(small((d) => fs.renameSync(normal(d), path.join(d, 'Normal', 'subject1.csv')))), /Normal\/subject1\.csv: the file name does not start with P<subject>/);
  });
});

describe('gaitmotion in the registry', () => {
  const saved = { dir: process.env.DIVE_DATA_DIR, mirror: process.env.DIVE_DATA_MIRROR };
  afterEach(() => {
    for (const [k, v] of [['DIVE_DATA_DIR', saved.dir], ['DIVE_DATA_MIRROR', saved.mirror]] as const) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });

  it("has the paper's defaults", () => {
    expect(DATASETS.gaitmotion).toMatchObject({ kind: 'folder', locations: ['gaitmotion', 'GaitMotion'], defaults: { scaler: 'zscore', seasonSeconds: 1.1 } });
    expect(DATASETS.gaitmotion.defaults.split).toEqual({ kind: 'by-segment', train: 0.8, val: 0.1, seed: 0, groupBy: 'subject' });
  });
  it('not found: says where to download and how to export; fetch refuses with the same advice', async () => {
    process.env.DIVE_DATA_DIR = tempDir();
    delete process.env.DIVE_DATA_MIRROR;
    userError(() => resolveDataPath('gaitmotion'), /^data set 'gaitmotion' not found \(looked in .*gaitmotion.*\); download GaitMotion from https:\/\/doi\.org\/10\.5683\/SP3\/V6C59O, run 'python3 scripts\/gaitmotion-export\.py IN OUT' and pass --file OUT$/);
    expect(filesPresent('gaitmotion')).toBe(false);
    await expect(fetchDataset('gaitmotion')).rejects.toThrow(/^data set 'gaitmotion' cannot be fetched by divelab: Bring your own: .*scripts\/gaitmotion-export\.py IN OUT/);
  });
  it('an export in the cache is found, and the gait tables then use it', () => {
    const cache = tempDir();
    process.env.DIVE_DATA_DIR = cache;
    delete process.env.DIVE_DATA_MIRROR;
    writeExport([makeTrial(0, 1, 1800), makeTrial(1, 1, 1800), makeTrial(2, 1, 1800)], path.join(cache, 'GaitMotion'));
    expect(resolveDataPath('gaitmotion')).toEqual({ where: 'cache', path: path.join(cache, 'GaitMotion') });
    expect(chooseData('gait')).toMatchObject({ data: 'gaitmotion', note: expect.stringMatching(/^GaitMotion used/) });
  });
});
