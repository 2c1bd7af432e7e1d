import type { MetricCard } from './card';

export const mcc: MetricCard = {
  key: 'mcc',
  label: 'MCC',
  better: 'higher',
  doc: "Mean correlation coefficient (Pearson, best matching) of the codes with the benchmark's true factors (lib/eval/disentanglement/mcc.ts); the sparse base-predictors pipeline reports its own (of its factor-wise predictors).",
  of: (r) => r.pipeline?.mcc ?? r.disentanglement?.mcc.pearson ?? null,
};
