/**
 * Search-space dimensions and network sizes that several cards share (the latent models are
 * tuned over the same trainer learning rate, trunk width and dropout ranges; docs/results.md
 * §Claims), so that a shared range is written once.
 */
import type { Dimension, NetworkSize } from '../card';

/** The trainer's learning rate, for every learned model. */
export const LR: Dimension = { kind: 'log-uniform', min: 3e-4, max: 3e-3 };
/** The training recipe (docs/design.md, "Training recipe"): instance normalisation, schedule, weight decay. */
export const REVIN: Dimension = { kind: 'choice', values: ['affine', 'none'] };
export const LR_SCHEDULE: Dimension = { kind: 'choice', values: ['plateau', 'constant'] };
export const WEIGHT_DECAY: Dimension = { kind: 'choice', values: [0, 1e-4, 1e-2] };
/** The recipe's dimensions, searched for every learned forecaster alike (same budget for every model). */
export const RECIPE_MODEL = { revin: REVIN } as const;
export const RECIPE_TRAIN = { lr: LR, 'lrSchedule.kind': LR_SCHEDULE, weightDecay: WEIGHT_DECAY } as const;
export const TRUNK_HIDDEN: Dimension = { kind: 'choice', values: [64, 128, 256] };
export const DROPOUT: Dimension = { kind: 'choice', values: [0, 0.1, 0.2, 0.3] };
export const LATENT_SIZE: Dimension = { kind: 'choice', values: [8, 16, 32] };
/** DeepDIVE's λ (CE weight, E3) and β_b (KL of b, E3). */
export const LAMBDA: Dimension = { kind: 'choice', values: [0.3, 1, 3] };
export const BETA_B: Dimension = { kind: 'choice', values: [0.03, 0.1, 0.3] };

/** Small networks of the latent models with DeepDIVE's trunk, decoder and forecaster. */
export function latentSized(s: NetworkSize, withA: boolean): Record<string, unknown> {
  const base = { trunk: { hidden: s.trunkHidden }, decoderHidden: s.head, forecasterHidden: s.head };
  return withA ? { ...base, aDim: s.aDim } : base;
}
