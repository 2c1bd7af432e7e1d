import type { MetricCard } from './card';

export const bestValForecastMse: MetricCard = {
  key: 'bestValForecastMse',
  label: 'best validation forecast MSE',
  better: 'lower',
  doc: 'Validation forecast MSE (scaled units) of the selected weights (early stopping, lib/train/trainer.ts).',
  of: (r) => r.training?.bestValForecastMse ?? null,
};
