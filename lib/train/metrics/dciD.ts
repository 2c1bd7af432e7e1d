import type { MetricCard } from './card';

export const dciD: MetricCard = {
  key: 'dciD',
  label: 'DCI disentanglement',
  better: 'higher',
  doc: "DCI disentanglement (ridge-probe importances) against the benchmark's true factors (lib/eval/disentanglement/dci.ts, docs/metrics.md).",
  of: (r) => r.disentanglement?.dci.disentanglement ?? null,
};
