/**
 * The interleaving schedule: which phases run on each batch.
 *
 * Phases (from the model's ObjectiveSpec):
 * - M (marginal): the model's marginal groups (DeepDIVE: trunk, b-encoder, RBF) on its marginal
 *   terms (Σ CE);
 * - C (conditional): every other group (a-encoder, fusion, decoder, forecaster) on every other
 *   term (forecast + reconstruction + KL_a); the M groups are frozen;
 * - joint: all groups on all terms (the ablation, and the only phase of models without M).
 *
 * Interleave mode: `warmupEpochs` epochs of M only, then either M then C on every batch
 * (`alternation: 'batch'`) or whole epochs alternating C, M, C, … (`alternation: 'epoch'`).
 */
import type { Model, TermName } from '../models/types';

export interface ScheduleConfig {
  /** `interleave` (DeepDIVE) or `joint` (all terms summed, all variables). Default interleave. */
  mode: 'interleave' | 'joint';
  /** Alternate phases on every batch or every epoch. Default batch. */
  alternation: 'batch' | 'epoch';
  /** Epochs of phase M only before alternating. Default 1. */
  warmupEpochs: number;
}
export const DEFAULT_SCHEDULE: ScheduleConfig = { mode: 'interleave', alternation: 'batch', warmupEpochs: 1 };

export type PhaseName = 'M' | 'C' | 'joint';

export interface Phase {
  readonly name: PhaseName;
  /** Variable groups updated in this phase. */
  readonly groups: readonly string[];
  /** Loss terms optimised in this phase (weighted by the model's objective weights). */
  readonly terms: readonly TermName[];
}

export interface Phases {
  readonly M?: Phase;
  readonly C?: Phase;
  readonly joint: Phase;
}

/** The phases of a model (M and C only when the model declares a marginal part). */
export function modelPhases(model: Model): Phases {
  const groups = model.params.groups();
  const terms = (Object.keys(model.objective.weights) as TermName[]).filter((t) => (model.objective.weights[t] ?? 0) !== 0);
  const joint: Phase = { name: 'joint', groups, terms };
  const m = model.objective.marginal;
  if (!m) return { joint };
  return {
    M: { name: 'M', groups: groups.filter((g) => m.groups.includes(g)), terms: terms.filter((t) => m.terms.includes(t)) },
    C: { name: 'C', groups: groups.filter((g) => !m.groups.includes(g)), terms: terms.filter((t) => !m.terms.includes(t)) },
    joint,
  };
}

/** Phases to run, in order, on each batch of epoch `epoch` (0-based). */
export function phasesForEpoch(epoch: number, schedule: ScheduleConfig, phases: Phases): Phase[] {
  if (schedule.mode === 'joint' || !phases.M || !phases.C) return [phases.joint];
  if (epoch < schedule.warmupEpochs) return [phases.M];
  if (schedule.alternation === 'batch') return [phases.M, phases.C];
  return (epoch - schedule.warmupEpochs) % 2 === 0 ? [phases.C] : [phases.M];
}
