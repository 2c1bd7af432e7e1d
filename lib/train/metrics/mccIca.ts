import type { MetricCard } from './card';

export const mccIca: MetricCard = {
  key: 'mccIca',
  label: 'MCC after ICA',
  better: 'higher',
  doc: "Sparse base-predictors, inner-ridge runs of the MCC-against-ρ experiment (lib/methods/sparse/rho.ts): MCC (Pearson, Hungarian matching; lib/eval/disentanglement/mcc.ts) of the codes rotated by FastICA — fitted on the training codes, applied to the test codes — against the test factors: the authors' Ridge + ICA baseline.",
  of: (r) => r.pipeline?.mccIca ?? null,
};
