import type { DatasetCard } from '../card';
import type { SplitProtocol } from '../splits';
import { generateSynthetic } from '../synthetic';
import { BY_SEGMENT_SPLIT } from '../splits';

/** The seeded synthetic generator with known factors: the fallback of every family. */
export const synthetic: DatasetCard = {
  name: 'synthetic',
  description: 'seeded synthetic waveforms with known factors (regime, frequency, amplitude, phase, trend, noise); 10,400 segments x 80 rows x 3 channels (one window each)',
  kind: 'generated',
  locations: [],
  obtain: { kind: 'generated', source: 'generated (data seed 0, lib/data/synthetic.ts defaults)' },
  labels: 'regime (4 waveform classes) and freqBin (binned frequency); the true factors are known',
  calendar: 'no dates: rows are samples',
  // Small: 64-row input, forecast the next 16 rows, windows every 8 rows; by-segment 8:1:1 stratified by regime.
  defaults: {
    window: { inputLength: 64, horizon: 16, targetLength: 16, stride: 8 },
    split: { ...BY_SEGMENT_SPLIT, stratifyBy: 'regime' } as SplitProtocol,
    scaler: 'zscore',
    seasonSeconds: 24,
  },
  load: (_file, o) => generateSynthetic(o.synthetic),
};
