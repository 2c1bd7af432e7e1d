import type { MetricCard } from './card';

export const initialValForecastMse: MetricCard = {
  key: 'initialValForecastMse',
  label: 'untrained validation forecast MSE',
  better: 'lower',
  doc: 'Validation forecast MSE (scaled units) of the untrained model: what training has to beat (lib/train/trainer.ts).',
  of: (r) => r.training?.initialValForecastMse ?? null,
};
