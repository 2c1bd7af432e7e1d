import type { MetricCard } from './card';

export const probeValMseIca: MetricCard = {
  key: 'probeValMseIca',
  label: 'validation sparse-probe MSE (after ICA)',
  better: 'lower',
  doc: "As probeValMse, on the codes rotated by FastICA (fitted on the training codes): the criterion of the Ridge + ICA column of the sparse-rho table (lib/methods/sparse/rho.ts).",
  of: (r) => r.pipeline?.probeValMseIca ?? null,
};
