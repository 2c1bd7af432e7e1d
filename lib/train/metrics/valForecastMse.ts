import { finite, type MetricCard } from './card';

export const valForecastMse: MetricCard = {
  key: 'valForecastMse',
  label: 'validation forecast MSE',
  better: 'lower',
  doc: 'Forecast MSE (scaled units) of the weights a run ends with (the selected ones) on every validation window, for every model alike — learned or not (lib/train/predict.ts splitForecastMse); the tuning stage ranks its trials by it, and the tables compare each model with persistence on it.',
  of: (r) => finite(r.valForecastMse),
};
