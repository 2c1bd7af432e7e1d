/**
 * The theory layer's public API: float64 checks of the paper's three equations (E1–E3 of
 * docs/paper.md, derived in docs/theory.md), independent of TensorFlow.js.
 *
 * - gaussian / linalg / quadrature / montecarlo: the float64 tools (dense Gaussians,
 *   Cholesky-based linear algebra, Gauss–Kronrod quadrature, seeded Monte Carlo);
 * - linearGaussian: E1, the joint ELBO on a linear-Gaussian model whose posterior is analytic;
 * - naiveBayes: E2, the Naive-Bayes split of the prior KL and its total-correlation gap;
 * - mixtureKl / explore: E3, the mixture-KL identity, the cross-entropy bound and sweeps of it;
 * - figures: the notebooks' parameter studies as figure builders of one parameter object
 *   (explorable figures, lib/plot/explorable.ts);
 * - pure: all of the above, the part the browser bundle ships (no tfjs, no Node API);
 * - modelLayer: E3 evaluated on the model's own RBF layer (lib/models/rbf.ts);
 * - checks: the named numerical checks behind `dive theory check`.
 */
export * from './pure';
export * from './modelLayer';
export * from './checks';
