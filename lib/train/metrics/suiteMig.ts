import type { MetricCard } from './card';

export const suiteMig: MetricCard = {
  key: 'suiteMig',
  label: 'MIG (suite)',
  better: 'higher',
  doc: "MIG of the disentanglement suite against the benchmark's true factors, ID test split (lib/eval/disentanglement, docs/metrics.md).",
  of: (r) => r.disentanglement?.mig ?? null,
};
