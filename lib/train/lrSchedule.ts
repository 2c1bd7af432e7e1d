/**
 * Learning-rate schedules of the training loop (docs/design.md, "Training recipe"). The rate of
 * optimiser step s in epoch e (0-based) is
 *
 *   lr(s, e) = lr · warm(s) · f(e)
 *   warm(s)  = min(1, (s + 1) / warmupSteps)                  (1 when warmupSteps = 0)
 *   f(e)     = 1                                              'constant'
 *            = m + (1 − m) · ½ · (1 + cos(π · e / E))         'cosine' over the epoch cap E, floor m
 *            = factor^max(0, e − 1)                           'step' (Time-Series-Library's
 *                                                              `lradj type1` with factor 0.5: TSLib calls
 *                                                              adjust_learning_rate(epoch + 1) after each
 *                                                              epoch, so epochs 0 and 1 run at lr and the
 *                                                              halving starts with epoch 2)
 *            = factor^(reductions so far)                     'plateau': ×factor after `plateauPatience`
 *                                                              epochs without a better validation
 *                                                              forecast MSE (PyTorch's ReduceLROnPlateau
 *                                                              in 'min' mode, threshold 0), floor m
 *
 * The plateau state (the current factor and its bad-epoch counter) travels in checkpoints, so a
 * resumed run continues with the rate it had.
 */
import { z } from '../util/config';

export const LrScheduleSchema = z.strictObject({
  kind: z.enum(['constant', 'cosine', 'step', 'plateau']).default('plateau').describe(
    "How the rate changes over epochs: 'constant'; 'cosine' (to minFactor·lr at the epoch cap); 'step' (×factor every epoch from the third, Time-Series-Library's type1); 'plateau' (×factor after plateauPatience epochs without a better validation forecast MSE, down to minFactor·lr). 'plateau' (default) lowered the validation MSE on all three data sets measured (docs/design.md, \"Training recipe\").",
  ),
  warmupSteps: z.int().min(0).default(0).describe('Linear warm-up over the first optimiser steps (0 = none: 300 steps helped the benchmark only; docs/design.md).'),
  factor: z.number().gt(0).lt(1).default(0.5).describe("Multiplier of 'step' and 'plateau'."),
  plateauPatience: z.int().min(0).default(1).describe("'plateau': epochs without improvement before the rate is multiplied by factor."),
  minFactor: z.number().min(0).max(1).default(0.01).describe("Floor of the rate as a fraction of lr ('cosine', 'plateau')."),
});
export type LrScheduleConfig = z.output<typeof LrScheduleSchema>;

/** The plateau schedule's state (kept in checkpoints). */
export interface LrState {
  /** Multiplier of lr from plateau reductions so far (1 for the other kinds). */
  factor: number;
  /** Epochs since the last improvement or reduction. */
  bad: number;
}

export const INITIAL_LR_STATE: LrState = { factor: 1, bad: 0 };

/** The epoch factor f(e) of the schedule (plateau: the state's factor). */
export function epochFactor(s: LrScheduleConfig, epoch: number, epochs: number, state: LrState): number {
  switch (s.kind) {
    case 'constant':
      return 1;
    case 'cosine':
      return s.minFactor + (1 - s.minFactor) * 0.5 * (1 + Math.cos((Math.PI * epoch) / Math.max(1, epochs)));
    case 'step':
      return s.factor ** Math.max(0, epoch - 1);
    case 'plateau':
      return state.factor;
  }
}

/** lr(s, e): the rate of global optimiser step `step` (0-based) in epoch `epoch`. */
export function learningRate(lr: number, s: LrScheduleConfig, step: number, epoch: number, epochs: number, state: LrState): number {
  const warm = s.warmupSteps > 0 ? Math.min(1, (step + 1) / s.warmupSteps) : 1;
  return lr * warm * epochFactor(s, epoch, epochs, state);
}

/** The plateau state after an epoch that did (or did not) improve the validation forecast MSE. */
export function afterEpoch(s: LrScheduleConfig, state: LrState, improved: boolean): LrState {
  if (s.kind !== 'plateau') return state;
  if (improved) return { factor: state.factor, bad: 0 };
  const bad = state.bad + 1;
  if (bad <= s.plateauPatience) return { factor: state.factor, bad };
  return { factor: Math.max(s.minFactor, state.factor * s.factor), bad: 0 };
}
