import type { MetricCard } from './card';

export const migFloor: MetricCard = {
  key: 'migFloor',
  label: 'MIG floor',
  better: null,
  doc: "Noise floor of MIG: MIG of seeded standard-Gaussian codes of the latent's shape against the same labels or factors and test windows (floorCodes, lib/eval/disentanglement/suite.ts; docs/metrics.md §Noise floors).",
  of: (r) => r.test?.migFloor ?? null,
};
