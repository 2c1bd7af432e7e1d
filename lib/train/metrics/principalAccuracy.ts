import type { MetricCard } from './card';

export const principalAccuracy: MetricCard = {
  key: 'principalAccuracy',
  label: 'principal-task accuracy',
  better: 'higher',
  doc: 'Detaux: principal-task accuracy of multi-task learning with the discovered auxiliary task, ID test (mean over its stage-3 seeds; lib/methods/detaux).',
  of: (r) => r.pipeline?.principalAccuracy ?? null,
};
