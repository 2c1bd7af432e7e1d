/**
 * Sparse base-predictors (Lachapelle et al., ICML 2023, arXiv 2211.14666) on the shared benchmark:
 * config, task generator, inner solvers and their gradients, baselines and the pipeline
 * (docs/design.md §Sparse base-predictors). `dive train --model sparse-bilevel --data synthetic`
 * runs it from the command line. The paper's own experiment — MCC against the factors'
 * correlation ρ on a generator of correlated latents (latents.ts, rho.ts) — is the opt-in
 * `dive reproduce --only sparse-rho`.
 */
export { DEFAULT_SPARSE, QUICK_SPARSE, SPARSE_ARMS, SparseSchema, codeWidth, sparseConfig, type SparseConfig, type SparseTaskConfig, type SparseArm, type InnerMode } from './config';
export { REGIME_ENCODINGS, taskColumns, categoricalFactors, factorColumns, regressionTask, classificationTask, type FactorColumns, type RegimeEncoding, type Task, type TaskMode, type TaskPool } from './tasks';
export { fistaLasso, lassoGram, gramOf, lambdaMax, lipschitz, softThreshold, type Gram, type GramSolution } from './lasso';
export { implicitSolve, lassoHyper, ridgeHyper, type InnerHyper } from './implicit';
export { fitGroupLasso, predictGroupLasso, blockSoftThreshold, zeroRowFraction, disposeHead, type GroupLassoHead } from './groupLasso';
export { fitFastIca, applyFastIca, DEFAULT_FAST_ICA, FastIcaSchema, type FastIcaConfig, type FastIcaModel } from './ica';
export { SparseEncoder } from './model';
export { runSparse, runSparseBilevel, trainEncoder, scoreCodes, factorR2, outerLoss, regressionScores, type EncoderData, type EncoderPool, type EncoderValidation, type EncoderStop, type SparseReport, type ArmReport, type TaskErrorReport, type FewShotReport, type SparseRunOptions } from './pipeline';
export { ridgeGram, solveGram } from './ridge';
export { copulaCorrelation, correlatedFactors, meanPairwiseCorrelation, randomMixing, mixFactors, type Mixing } from './latents';
export { SPARSE_RHO_MODEL, RHO_FACTORS, RHO_METHODS, SparseRhoSchema, DEFAULT_SPARSE_RHO, QUICK_SPARSE_RHO, sparseRhoConfig, sparseRhoData, encoderConfig, runSparseRho, type RhoMethod, type SparseRhoConfig, type SparseRhoReport, type RhoScores } from './rho';
