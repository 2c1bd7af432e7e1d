import type { MetricCard } from './card';

export const forecastMae: MetricCard = {
  key: 'forecastMae',
  label: 'forecast MAE',
  better: 'lower',
  doc: 'Forecast mean absolute error on the test split, original units (lib/eval/forecast.ts).',
  of: (r) => r.test?.forecast.original.mae ?? null,
};
