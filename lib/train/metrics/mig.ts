import type { MetricCard } from './card';

export const mig: MetricCard = {
  key: 'mig',
  label: 'MIG',
  better: 'higher',
  doc: 'Mutual information gap of the latent means against the window labels (synthetic and benchmark data: the true factors); lib/eval/mig.ts, docs/metrics.md.',
  of: (r) => r.test?.mig ?? null,
};
