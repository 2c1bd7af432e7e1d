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
 *
 * A phase whose terms all have weight 0 (e.g. λ = β_b = 0) has nothing to optimise and is left
 * out: its groups keep their initial values, the other phase runs alone (warm-up included).
 */
import { defaultsOf, z } from '../util/config';
import type { Model, TermName } from '../models/types';

export const ScheduleSchema = z.strictObject({
  mode: z.enum(['interleave', 'joint']).default('interleave').describe('`interleave` (DeepDIVE) or `joint` (all terms summed, all variables).'),
  alternation: z.enum(['batch', 'epoch']).default('batch').describe('Alternate phases on every batch or every epoch.'),
  warmupEpochs: z.int().min(0).default(1).describe('Epochs of phase M only before alternating.'),
});
export type ScheduleConfig = z.output<typeof ScheduleSchema>;
export const DEFAULT_SCHEDULE: ScheduleConfig = defaultsOf(ScheduleSchema);

export type PhaseName = 'M' | 'C' | 'joint';

export interface Phase {
  readonly name: PhaseName;
  /** Variable groups updated in this phase. */
  readonly groups: readonly string[];
  /** Loss terms optimised in this phase (weighted by the model's objective weights). */
  readonly terms: readonly TermName[];
}

export interface Phases {
  /** Phase M, absent when the model has no marginal part or its terms all have weight 0. */
  readonly M?: Phase;
  /** Phase C, absent likewise. */
  readonly C?: Phase;
  readonly joint: Phase;
  /** The model declares a marginal part, so interleave mode alternates M and C. */
  readonly interleaved?: boolean;
}

/** The phases of a model (M and C only when the model declares a marginal part). */
export function modelPhases(model: Model): Phases {
  const groups = model.params.groups();
  const terms = (Object.keys(model.objective.weights) as TermName[]).filter((t) => (model.objective.weights[t] ?? 0) !== 0);
  const joint: Phase = { name: 'joint', groups, terms };
  const m = model.objective.marginal;
  if (!m) return { joint };
  const M: Phase = { name: 'M', groups: groups.filter((g) => m.groups.includes(g)), terms: terms.filter((t) => m.terms.includes(t)) };
  const C: Phase = { name: 'C', groups: groups.filter((g) => !m.groups.includes(g)), terms: terms.filter((t) => !m.terms.includes(t)) };
  return { M: M.terms.length > 0 ? M : undefined, C: C.terms.length > 0 ? C : undefined, joint, interleaved: true };
}

/** Phases to run, in order, on each batch of epoch `epoch` (0-based); [] when nothing has a weight. */
export function phasesForEpoch(epoch: number, schedule: ScheduleConfig, phases: Phases): Phase[] {
  const usable = (p: Phase | undefined): p is Phase => p !== undefined && p.terms.length > 0;
  if (schedule.mode === 'joint' || !phases.interleaved) return usable(phases.joint) ? [phases.joint] : [];
  const { M, C } = phases;
  if (!usable(M) || !usable(C)) return [M, C].filter(usable); // one phase has nothing to optimise
  if (epoch < schedule.warmupEpochs) return [M];
  if (schedule.alternation === 'batch') return [M, C];
  return (epoch - schedule.warmupEpochs) % 2 === 0 ? [C] : [M];
}
