import type { MetricCard } from './card';

export const forecastRrse: MetricCard = {
  key: 'forecastRrse',
  label: 'forecast RRSE',
  better: 'lower',
  doc: "Forecast root relative squared error on the test split in the data set's original units (LSTNet's definition, lib/eval/forecast.ts).",
  of: (r) => r.test?.forecast.original.rrse ?? null,
};
