import type { MetricCard } from './card';

export const probeValMse: MetricCard = {
  key: 'probeValMse',
  label: 'validation sparse-probe MSE',
  better: 'lower',
  doc: "Sparse base-predictors, MCC-against-ρ experiment (lib/methods/sparse/rho.ts): mean query MSE of new sparse regression tasks on the validation points (factors correlated at ρ, as in training), each fitted on its support points by one fixed sparse probe on the frozen codes — the relaxed Lasso (support by the Lasso at probeL1reg·λ_max, least squares on it). The sparse-rho table chooses each cell's regularisation on it; it reads no ground-truth factor.",
  of: (r) => r.pipeline?.probeValMse ?? null,
};
