import type { MetricCard } from './card';

export const sap: MetricCard = {
  key: 'sap',
  label: 'SAP',
  better: 'higher',
  doc: "Separated attribute predictability against the benchmark's true factors (lib/eval/disentanglement/sap.ts, docs/metrics.md).",
  of: (r) => r.disentanglement?.sap ?? null,
};
