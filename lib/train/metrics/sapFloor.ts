import type { MetricCard } from './card';

export const sapFloor: MetricCard = {
  key: 'sapFloor',
  label: 'SAP floor',
  better: null,
  doc: "Noise floor of SAP: the same metric, same settings and point split, of a seeded standard-Gaussian representation of the codes' shape against the same factors (disentanglementFloor, lib/eval/disentanglement/suite.ts; docs/metrics.md §Noise floors). A score is informative only above it.",
  of: (r) => r.disentanglement?.floor?.sap ?? null,
};
