/** Models: the common contract, the registry, and the building blocks. */
export * from './types';
export { createModel, defaultConfig, isModelName, MODEL_NAMES, type ModelName } from './factory';
export { DeepDive, DEFAULT_DEEPDIVE, type DeepDiveConfig, autoBeta } from './deepdive';
export { BetaVae, DEFAULT_BETA_VAE, DEFAULT_BETA_TCVAE, type BetaVaeConfig } from './betaVae';
export { RbfLayer } from './rbf';
export { CrossAttention, LabelTokens } from './crossAttention';
export { ParamStore, Dense, Mlp, Gru, reparameterise, mixSeed } from './nn';
export { overrideConfig } from './override';
/** Detaux: weakly supervised product-space auto-encoder, discovered auxiliary task, multi-task learning (docs/design.md §Detaux). */
export * as detaux from './detaux/index';
/** Sparse base-predictors (Lachapelle et al. 2023): bi-level Lasso heads on a shared encoder (docs/design.md §Sparse base-predictors). */
export * as sparse from './sparse/index';
