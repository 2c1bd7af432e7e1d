/**
 * The data sets divelab knows, by name: description, loader, where its files live (relative to
 * the cache/mirror roots, see paths.ts), licence, citation, download URLs (data/manifest.json)
 * and default window/split/scaler protocol (used by prepare.ts).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { TimeSeriesDataset, WindowSpec } from './types';
import type { SplitProtocol } from './splits';
import type { ScalerKind } from './scalers';
import { BY_SEGMENT_SPLIT, ETT_SPLIT, LSTNET_SPLIT } from './splits';
import { loadEtt } from './ett';
import { loadLstnet, loadLstnetSuite, LSTNET_HORIZONS, LSTNET_SUITE, type LstnetSuiteEntry } from './lstnet';
import { loadGaitndd } from './gaitndd';
import { GAITMOTION_WINDOW, loadGaitMotion } from './gaitmotion';
import { generateSynthetic, type SyntheticConfig } from './synthetic';
import { benchmarkDataset, generateBenchmark, type BenchmarkConfig } from './benchmark';
import { readManifest, type ManifestEntry } from './manifest';
import { candidatePaths } from './paths';
import { UserError } from '../util/errors';

export type DatasetName = 'ett-h1' | 'gaitndd' | 'gaitmotion' | 'electricity-lstnet' | 'traffic' | 'solar-al' | 'exchange-rate' | 'synthetic' | 'benchmark';

/** Options a loader understands (each ignores the ones that are not its own). */
export interface LoadOptions {
  /** gaitndd: integer block-averaging factor (default 3: 300 → 100 Hz). */
  readonly downsample?: number;
  /** synthetic: generator settings (seed defaults to the prepare seed). */
  readonly synthetic?: Partial<SyntheticConfig>;
  /** benchmark: generator settings (lib/data/benchmark.ts; seed defaults to the prepare seed). */
  readonly benchmark?: Partial<BenchmarkConfig>;
}

/** Per-data-set defaults of the preparation protocol. */
export interface DatasetDefaults {
  readonly window: WindowSpec;
  readonly split: SplitProtocol;
  readonly scaler: ScalerKind;
  /**
   * Length of the data's natural cycle in seconds (the seasonal-naive season): one day for
   * hourly load data, one stride (≈ 1.1 s, the median stride time of gaitndd's training
   * subjects; GaitMotion uses the same) for gait, 24 samples for the synthetic generator (the
   * geometric middle of its 12–48-row periods). GaitMotion's 1.1 s (1,100 rows) exceeds its
   * 1,000-row input, so seasonal-naive there needs {"model": {"season": ROWS ≤ 1000}}.
   */
  readonly seasonSeconds: number;
  /** Horizons (rows ahead) of the data set's published protocol, when it has several (LSTNet: 3, 6, 12, 24). */
  readonly horizons?: readonly number[];
}

export interface DatasetInfo {
  readonly name: DatasetName;
  readonly description: string;
  /** 'file' / 'folder': read from disk; 'generated': no files. */
  readonly kind: 'file' | 'folder' | 'generated';
  /** Candidate paths of the file/folder relative to a data root (cache, mirror), in order. */
  readonly locations: readonly string[];
  readonly defaults: DatasetDefaults;
  /**
   * Hundreds of series (LSTNet electricity 321, traffic 862, solar 137): models with a
   * flattened-window MLP trunk get the channel-shared trunk on it (lib/models/registry.ts
   * `dataModelConfig`).
   */
  readonly manySeries?: boolean;
  /** Load from an explicit path (ignored for 'generated'). */
  load(file: string | undefined, options: LoadOptions): TimeSeriesDataset;
}

/**
 * A user-supplied file of the LSTNet suite (lstnet.ts LSTNET_SUITE, docs/data.md): the LSTNet
 * protocol — input 168 rows, one target row at horizon 24 (the protocol also uses 3, 6, 12:
 * --horizon), chronological 0.6/0.2/0.2, max-abs per series fitted on train; season one day
 * (24 hourly rows, 144 ten-minute rows) or one week (7 daily rows) for the exchange rate.
 */
function lstnetSuiteInfo(name: Exclude<LstnetSuiteEntry['name'], 'electricity-lstnet'>, description: string, manySeries: boolean): DatasetInfo {
  const e = LSTNET_SUITE[name];
  return {
    name,
    description,
    kind: 'file',
    ...(manySeries ? { manySeries } : {}),
    locations: [`${e.folder}/${e.file}.gz`, `${e.folder}/${e.file}`],
    defaults: {
      window: { inputLength: 168, horizon: 24, targetLength: 1, stride: 1 },
      split: LSTNET_SPLIT,
      scaler: 'maxabs',
      seasonSeconds: e.seasonRows * e.stepSeconds,
      horizons: LSTNET_HORIZONS,
    },
    load: (file) => loadLstnetSuite(file!, name),
  };
}

/** Is this a user-supplied file of the LSTNet suite (no download; the user brings the file)? */
export function isLstnetSuite(name: string): boolean {
  return name in LSTNET_SUITE;
}

export const DATASETS: Readonly<Record<DatasetName, DatasetInfo>> = {
  'ett-h1': {
    name: 'ett-h1',
    description: 'ETTh1: electricity transformer load and oil temperature, hourly, 7 channels, 17,420 rows (2016-07 … 2018-06)',
    kind: 'file',
    locations: ['ett/ETTh1.csv'],
    // LSTNet-style geometry: 168 h input, one row 24 h ahead; ETT 12/4/4-month split; z-score.
    defaults: { window: { inputLength: 168, horizon: 24, targetLength: 1, stride: 1 }, split: ETT_SPLIT, scaler: 'zscore', seasonSeconds: 86_400 },
    load: (file) => loadEtt(file!, 'ett-h1'),
  },
  gaitndd: {
    name: 'gaitndd',
    description: 'PhysioNet gait in neurodegenerative disease: 64 subjects (control/ALS/Huntington/Parkinson), left/right foot force, 300 Hz → 100 Hz',
    kind: 'folder',
    locations: ['gaitndd'],
    // At 100 Hz: 2 s input, forecast the next 1 s (100 rows), windows every 0.5 s; by-subject 8:1:1.
    defaults: {
      window: { inputLength: 200, horizon: 100, targetLength: 100, stride: 50 },
      split: { ...BY_SEGMENT_SPLIT, stratifyBy: 'group' } as SplitProtocol,
      scaler: 'zscore',
      seasonSeconds: 1.1,
    },
    load: (file, o) => loadGaitndd(file!, { downsample: o.downsample }),
  },
  gaitmotion: {
    name: 'gaitmotion',
    description: "GaitMotion (Zhang et al. 2024): foot IMU, 6 channels (acc, gyro) at 1000 Hz, normal / Parkinson's / stroke gait with GaitRite stride lengths (bring your own: CSV export of the pickles by scripts/gaitmotion-export.py)",
    kind: 'folder',
    locations: ['gaitmotion', 'GaitMotion'],
    // The paper's protocol: 1000 samples in (1 s), forecast the next 800; windows every 50
    // samples (stride 1 would give ~20x as many near-duplicate windows); 8:1:1 by subject —
    // grouped by the `subject` label, since every subject walked all three gait types (one
    // segment per trial and gait type), so not stratified; z-score; season one stride (1.1 s).
    defaults: {
      window: GAITMOTION_WINDOW,
      split: { ...BY_SEGMENT_SPLIT, groupBy: 'subject' } as SplitProtocol,
      scaler: 'zscore',
      seasonSeconds: 1.1,
    },
    load: (file) => loadGaitMotion(file!),
  },
  'electricity-lstnet': {
    name: 'electricity-lstnet',
    description: 'LSTNet electricity: 321 clients, hourly kWh, 26,304 rows from 2012-01-01 (bring your own file: electricity.txt[.gz])',
    kind: 'file',
    manySeries: true,
    locations: ['electricity/electricity.txt.gz', 'electricity/electricity.txt'],
    // LSTNet protocol: 168 h input, one row at horizon 24, chronological 0.6/0.2/0.2, max-abs per series.
    defaults: { window: { inputLength: 168, horizon: 24, targetLength: 1, stride: 1 }, split: LSTNET_SPLIT, scaler: 'maxabs', seasonSeconds: 86_400, horizons: LSTNET_HORIZONS },
    load: (file) => loadLstnet(file!),
  },
  traffic: lstnetSuiteInfo('traffic', 'LSTNet traffic: California PeMS road occupancy (0–1), 862 sensors, hourly, 17,544 rows from 2015-01-01 (bring your own file: traffic.txt[.gz])', true),
  'solar-al': lstnetSuiteInfo('solar-al', 'LSTNet solar-AL: NREL solar power of 137 Alabama PV plants, every 10 minutes, 52,560 rows from 2006-01-01 (bring your own file: solar_AL.txt[.gz])', true),
  'exchange-rate': lstnetSuiteInfo('exchange-rate', 'LSTNet exchange rate: daily rates of 8 currencies, 7,588 calendar days from 1990-01-01 (bring your own file: exchange_rate.txt[.gz])', false),
  synthetic: {
    name: 'synthetic',
    description: 'seeded synthetic waveforms with known factors (regime, frequency, amplitude, phase, trend, noise); 10,400 segments x 80 rows x 3 channels (one window each)',
    kind: 'generated',
    locations: [],
    // Small: 64-row input, forecast the next 16 rows, windows every 8 rows; by-segment 8:1:1 stratified by regime.
    defaults: {
      window: { inputLength: 64, horizon: 16, targetLength: 16, stride: 8 },
      split: { ...BY_SEGMENT_SPLIT, stratifyBy: 'regime' } as SplitProtocol,
      scaler: 'zscore',
      seasonSeconds: 24,
    },
    load: (_file, o) => generateSynthetic(o.synthetic),
  },
  benchmark: {
    name: 'benchmark',
    description:
      'the shared disentanglement benchmark (lib/data/benchmark.ts): univariate 60-row windows from known discrete factors — regime 4 (the label), frequency 6, amplitude 5, phase 8 (circular), trend 5, noise nuisance; 4,000 / 500 / 1,000 train / val / ID-test windows plus 1,000 OOD-test windows of held-out (frequency, amplitude) combinations',
    kind: 'generated',
    locations: [],
    // The generator fixes the geometry and the splits (prepare.ts prepareBenchmark): input 48,
    // forecast all 12 following rows, one window per segment. `split` is not used for it (the
    // generator's train / val / ID-test / OOD-test streams are the splits); z-score on train rows;
    // season 20 rows (the geometric middle of its 8–48-row periods).
    defaults: {
      window: { inputLength: 48, horizon: 12, targetLength: 12, stride: 60 },
      split: BY_SEGMENT_SPLIT,
      scaler: 'zscore',
      seasonSeconds: 20,
    },
    load: (_file, o) => benchmarkDataset(generateBenchmark(o.benchmark)),
  },
};

export const DATASET_NAMES = Object.keys(DATASETS) as DatasetName[];

/** Look a data set up by name; an unknown name is a UserError listing the known ones. */
export function datasetInfo(name: string): DatasetInfo {
  const info = (DATASETS as Record<string, DatasetInfo | undefined>)[name];
  if (!info) throw new UserError(`unknown data set '${name}' (known: ${DATASET_NAMES.join(', ')}); see 'dive data list'`);
  return info;
}

/** The manifest entry of a data set, if it is downloadable. */
export function manifestEntry(name: string): ManifestEntry | undefined {
  return readManifest().datasets[name];
}

/**
 * Where to read a data set from: the explicit path if given (must exist), else the first
 * existing candidate (cache, DIVE_DATA_MIRROR, ../shared/data; see paths.ts). Not found is a
 * UserError listing the places looked and the fix.
 */
export function resolveDataPath(name: string, explicit?: string): { path: string; where: string } {
  const info = datasetInfo(name);
  if (explicit !== undefined) {
    const p = path.resolve(explicit);
    if (!fs.existsSync(p)) throw new UserError(`file not found: ${p} (given with --file for '${name}'); check the path`);
    return { path: p, where: 'explicit' };
  }
  const looked: string[] = [];
  for (const loc of info.locations) {
    for (const c of candidatePaths(loc)) {
      looked.push(c.path);
      if (fs.existsSync(c.path)) return c;
    }
  }
  const suite = (LSTNET_SUITE as Record<string, LstnetSuiteEntry | undefined>)[name];
  const fix = suite
    ? `download ${suite.file}.gz (${manifestEntry(name)?.baseUrl ?? `the LSTNet data repository, folder ${suite.folder}/`}) and pass --file PATH or put it in ${suite.folder}/ under DIVE_DATA_DIR`
    : name === 'gaitmotion'
      ? `download GaitMotion from ${manifestEntry(name)?.baseUrl ?? 'https://doi.org/10.5683/SP3/V6C59O'}, run 'python3 scripts/gaitmotion-export.py IN OUT' and pass --file OUT`
      : `run 'dive data fetch ${name}' or pass --file PATH`;
  throw new UserError(`data set '${name}' not found (looked in ${looked.join(', ') || 'nowhere'}); ${fix}`);
}

/** Load a data set by name, finding its files as in resolveDataPath. */
export function loadDataset(name: string, options: LoadOptions & { file?: string } = {}): TimeSeriesDataset {
  const info = datasetInfo(name);
  if (info.kind === 'generated') return info.load(undefined, options);
  return info.load(resolveDataPath(name, options.file).path, options);
}
