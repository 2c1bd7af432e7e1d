import type { DatasetCard } from '../card';
import { loadEtt } from '../ett';
import { ETT_SPLIT } from '../splits';

/** ETTh1 (Zhou et al. 2021): the electricity fallback of the reproduction, and any ETT-format CSV. */
export const ettH1: DatasetCard = {
  name: 'ett-h1',
  description: 'ETTh1: electricity transformer load and oil temperature, hourly, 7 channels, 17,420 rows (2016-07 … 2018-06)',
  kind: 'file',
  locations: ['ett/ETTh1.csv'],
  obtain: { kind: 'fetch' },
  labels: 'calendar: hour (24), weekday (7) and month (12) of the target time',
  calendar: "hourly rows from the file's date column (UTC)",
  // LSTNet-style geometry: 168 h input, one row 24 h ahead; ETT 12/4/4-month split; z-score.
  defaults: { window: { inputLength: 168, horizon: 24, targetLength: 1, stride: 1 }, split: ETT_SPLIT, scaler: 'zscore', seasonSeconds: 86_400 },
  load: (file) => loadEtt(file!, 'ett-h1'),
};
