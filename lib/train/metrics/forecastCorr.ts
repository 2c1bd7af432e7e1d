import { finite, type MetricCard } from './card';

export const forecastCorr: MetricCard = {
  key: 'forecastCorr',
  label: 'forecast CORR',
  better: 'higher',
  doc: "Forecast empirical correlation (LSTNet's CORR, lib/eval/forecast.ts), original units; null where undefined (a constant series).",
  of: (r) => finite(r.test?.forecast.original.corr),
};
