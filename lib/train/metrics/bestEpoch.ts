import type { MetricCard } from './card';

export const bestEpoch: MetricCard = {
  key: 'bestEpoch',
  label: 'selected epoch',
  better: null,
  doc: 'Epoch of the selected weights (0 = the untrained model); null for models without parameters.',
  of: (r) => (r.training && r.learns ? r.training.bestEpoch : null),
};
