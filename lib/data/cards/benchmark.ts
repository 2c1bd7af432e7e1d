import type { DatasetCard } from '../card';
import { benchmarkDataset, generateBenchmark } from '../benchmark';
import { BY_SEGMENT_SPLIT } from '../splits';

/** The shared disentanglement benchmark of the companion systems (generated; true factors known). */
export const benchmark: DatasetCard = {
  name: 'benchmark',
  description:
    'the shared disentanglement benchmark (lib/data/benchmark.ts): univariate 60-row windows from known discrete factors — regime 4 (the label), frequency 6, amplitude 5, phase 8 (circular), trend 5, noise nuisance; 4,000 / 500 / 1,000 train / val / ID-test windows plus 1,000 OOD-test windows of held-out (frequency, amplitude) combinations',
  kind: 'generated',
  locations: [],
  obtain: { kind: 'generated', source: 'generated (data seed 0, lib/data/benchmark.ts defaults)' },
  labels: 'regime (the principal factor); all five discrete factors known per window',
  calendar: 'no dates: rows are samples, one window per segment',
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
};
