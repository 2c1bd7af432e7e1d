import type { MetricCard } from './card';

export const forecastMse: MetricCard = {
  key: 'forecastMse',
  label: 'forecast MSE',
  better: 'lower',
  doc: 'Forecast mean squared error on the test split, original units (lib/eval/forecast.ts).',
  of: (r) => r.test?.forecast.original.mse ?? null,
};
