import type { DatasetCard } from '../card';
import { loadLstnet, LSTNET_HORIZONS } from '../lstnet';
import { LSTNET_SPLIT } from '../splits';
import { lstnetBring } from './lstnetSuite';

/** LSTNet electricity (Lai et al. 2018): the paper's electricity data (bring your own file). */
export const electricityLstnet: DatasetCard = {
  name: 'electricity-lstnet',
  description: 'LSTNet electricity: 321 clients, hourly kWh, 26,304 rows from 2012-01-01 (bring your own file: electricity.txt[.gz])',
  kind: 'file',
  manySeries: true,
  locations: ['electricity/electricity.txt.gz', 'electricity/electricity.txt'],
  obtain: lstnetBring('electricity-lstnet'),
  labels: 'calendar: hour (24), weekday (7) and month (12) of the target time',
  calendar: 'hourly rows from 2012-01-01 00:00 UTC (the file has no dates; LSTNet documents the start)',
  // LSTNet protocol: 168 h input, one row at horizon 24, chronological 0.6/0.2/0.2, max-abs per series.
  defaults: { window: { inputLength: 168, horizon: 24, targetLength: 1, stride: 1 }, split: LSTNET_SPLIT, scaler: 'maxabs', seasonSeconds: 86_400, horizons: LSTNET_HORIZONS },
  load: (file) => loadLstnet(file!),
};
