import type { MetricCard } from './card';

export const dciTreeD: MetricCard = {
  key: 'dciTreeD',
  label: 'DCI disentanglement (trees)',
  better: 'higher',
  doc: "DCI disentanglement with tree-ensemble importances (mean decrease in Gini impurity, as disentanglement_lib) against the benchmark's true factors (lib/eval/disentanglement/dciTree.ts, docs/metrics.md §DCI (trees)).",
  of: (r) => r.disentanglement?.dciTree?.disentanglement ?? null,
};
