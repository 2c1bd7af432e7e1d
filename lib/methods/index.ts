/**
 * The companion methods that have their own training loops (above lib/train).
 */
/** Detaux: weakly supervised product-space auto-encoder, discovered auxiliary task, multi-task learning (docs/design.md §Detaux). */
export * as detaux from './detaux/index';
/** Sparse base-predictors (Lachapelle et al. 2023): bi-level Lasso heads on a shared encoder (docs/design.md §Sparse base-predictors). */
export * as sparse from './sparse/index';
export { PIPELINE_MODELS, isPipelineModel, type PipelineModel } from './pipelines';
