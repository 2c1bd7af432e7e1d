/** Models: the common contract, the registry, and the building blocks. */
export * from './types';
export { createModel, defaultConfig, isModelName, MODEL_NAMES, type ModelName, modelCard, modelCards, modelNames, registerModel, modelConfig, dataModelConfig, BUILT_IN_MODELS } from './registry';
export { defineModelCard, type ModelCard, type ModelTraits, type SearchSpace, type Dimension, type NetworkSize } from './card';
export { DeepDive, DEFAULT_DEEPDIVE, type DeepDiveConfig, autoBeta } from './deepdive';
export { BetaVae, DEFAULT_BETA_VAE, DEFAULT_BETA_TCVAE, type BetaVaeConfig } from './betaVae';
export { RbfLayer } from './rbf';
export { CrossAttention, LabelTokens } from './crossAttention';
export { ParamStore, Dense, Mlp, Gru, reparameterise } from './nn';
export { atomParts, repulsionParts, normPenalty, AtomRegulariser, checkAtomConfig, atomActive, DEFAULT_ATOM, ATOM_KINDS, ATOM_PROVENANCE, type AtomConfig, type AtomKind, type AtomParts } from './atom';
