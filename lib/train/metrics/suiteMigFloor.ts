import type { MetricCard } from './card';

export const suiteMigFloor: MetricCard = {
  key: 'suiteMigFloor',
  label: 'MIG floor',
  better: null,
  doc: "Noise floor of MIG (suite): the same metric, same settings and point split, of a seeded standard-Gaussian representation of the codes' shape against the same factors (disentanglementFloor, lib/eval/disentanglement/suite.ts; docs/metrics.md §Noise floors). A score is informative only above it.",
  of: (r) => r.disentanglement?.floor?.mig ?? null,
};
