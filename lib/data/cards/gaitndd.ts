import type { DatasetCard } from '../card';
import type { SplitProtocol } from '../splits';
import { loadGaitndd } from '../gaitndd';
import { BY_SEGMENT_SPLIT } from '../splits';

/** PhysioNet gait in neurodegenerative disease: the gait fallback of the reproduction. */
export const gaitndd: DatasetCard = {
  name: 'gaitndd',
  description: 'PhysioNet gait in neurodegenerative disease: 64 subjects (control/ALS/Huntington/Parkinson), left/right foot force, 300 Hz → 100 Hz',
  kind: 'folder',
  locations: ['gaitndd'],
  obtain: { kind: 'fetch' },
  labels: 'group (control/als/hunt/park, per subject) and a binned stride-time (default) or gait-speed measure',
  calendar: 'no dates: 300 Hz samples (100 Hz after the default 3× downsampling), one segment per subject',
  // At 100 Hz: 2 s input, forecast the next 1 s (100 rows), windows every 0.5 s; by-subject 8:1:1.
  defaults: {
    window: { inputLength: 200, horizon: 100, targetLength: 100, stride: 50 },
    split: { ...BY_SEGMENT_SPLIT, stratifyBy: 'group' } as SplitProtocol,
    scaler: 'zscore',
    seasonSeconds: 1.1,
  },
  load: (file, o) => loadGaitndd(file!, { downsample: o.downsample }),
};
