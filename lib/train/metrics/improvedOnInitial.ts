import type { MetricCard } from './card';

export const improvedOnInitial: MetricCard = {
  key: 'improvedOnInitial',
  label: 'beat the untrained model',
  better: 'higher',
  doc: 'Whether the selected weights beat the untrained model on validation (1) or not (0); null for models without parameters.',
  of: (r) => (r.training && r.learns ? (r.training.improvedOnInitial ? 1 : 0) : null),
};
