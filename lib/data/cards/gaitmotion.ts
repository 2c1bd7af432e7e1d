import type { DatasetCard } from '../card';
import type { SplitProtocol } from '../splits';
import { GAITMOTION_WINDOW, loadGaitMotion } from '../gaitmotion';
import { BY_SEGMENT_SPLIT } from '../splits';

/** GaitMotion (Zhang et al. 2024): the paper's gait data (bring your own CSV export). */
export const gaitmotion: DatasetCard = {
  name: 'gaitmotion',
  description: "GaitMotion (Zhang et al. 2024): foot IMU, 6 channels (acc, gyro) at 1000 Hz, normal / Parkinson's / stroke gait with GaitRite stride lengths (bring your own: CSV export of the pickles by scripts/gaitmotion-export.py)",
  kind: 'folder',
  locations: ['gaitmotion', 'GaitMotion'],
  obtain: {
    kind: 'bring',
    list: "bring your own: 'python3 scripts/gaitmotion-export.py IN OUT', then --file OUT",
    fix: (baseUrl) => `download GaitMotion from ${baseUrl ?? 'https://doi.org/10.5683/SP3/V6C59O'}, run 'python3 scripts/gaitmotion-export.py IN OUT' and pass --file OUT`,
  },
  labels: 'gaitType (normal/parkinson/stroke, per trial) and strideBin (the GaitRite stride length, 14 bins)',
  calendar: 'no dates: 1000 Hz samples, one segment per trial and gait type',
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
};
