/**
 * Gradient-conflict diagnostics: the cosine similarity between the gradients of each pair of
 * objective terms with respect to the shared parameters (the trunk). cos < 0 means the two
 * objectives pull the shared weights in opposing directions — the conflict interleaving is
 * meant to avoid.
 */
import * as tf from '@tensorflow/tfjs';
import type { Model, StepContext, TensorBatch, TermName } from '../models/types';
import { readFlat } from './readBack';

export interface ConflictRecord {
  /** Global optimiser step at which it was measured. */
  readonly step: number;
  readonly epoch: number;
  /** Training mode of the run ('interleave' | 'joint'). */
  readonly mode: string;
  /** ‖∇_shared term‖ per term (0 when the term does not reach the shared group). */
  readonly norms: Partial<Record<TermName, number>>;
  /** cos(∇ term_a, ∇ term_b) keyed "a|b"; null when either gradient is zero. */
  readonly cosines: Record<string, number | null>;
}

/** tfjs's message when a loss does not depend on any of the given variables. */
const NO_CONNECTION = /Cannot find a connection between any variable and the result of the loss function/;
/** The model does not compute the requested term (e.g. its weight is 0). */
class TermAbsent extends Error {}

/**
 * Flattened gradient of one unweighted term w.r.t. `vars`, or undefined if the model does not
 * compute the term or the term does not reach them. Any other error propagates.
 */
function flatGrad(model: Model, batch: TensorBatch, ctx: StepContext, term: TermName, vars: tf.Variable[]): tf.Tensor1D | undefined {
  return tf.tidy(() => {
    let grads: tf.NamedTensorMap;
    try {
      grads = tf.variableGrads(() => {
        const t = model.losses(batch, ctx, [term])[term];
        if (!t) throw new TermAbsent();
        return t;
      }, vars).grads;
    } catch (err) {
      if (err instanceof TermAbsent || (err instanceof Error && NO_CONNECTION.test(err.message))) return undefined;
      throw err;
    }
    return tf.concat(vars.map((v) => (grads[v.name] ? tf.reshape(grads[v.name], [-1]) : tf.zeros([v.size])))) as tf.Tensor1D;
  });
}

/**
 * A conflict probe queued on the device: for terms t_1…t_k, the squared norms ‖∇t_i‖² and the
 * dot products ∇t_i·∇t_j (i < j) in one float32 vector (absent terms contribute zeros), read by
 * `readConflicts`. The caller owns `values`.
 */
export interface PendingConflict {
  readonly where: { step: number; epoch: number; mode: string };
  readonly terms: readonly TermName[];
  /** Which terms reached the shared group. */
  readonly present: readonly boolean[];
  /** [‖∇t_1‖, …, ‖∇t_k‖, then ∇t_i·∇t_j for i < j in row order]. */
  readonly values: tf.Tensor1D;
}

/** Queue the pairwise gradient comparison of the given terms on one batch (nothing is read back). */
export function probeConflict(
  model: Model,
  batch: TensorBatch,
  ctx: StepContext,
  terms: readonly TermName[],
  where: { step: number; epoch: number; mode: string },
): PendingConflict | undefined {
  const shared = model.objective.shared;
  if (!shared) return undefined;
  const vars = model.params.variables([shared]);
  if (vars.length === 0 || terms.length < 2) return undefined;
  const flats: (tf.Tensor1D | undefined)[] = [];
  try {
    for (const t of terms) flats.push(flatGrad(model, batch, ctx, t, vars));
    const values = tf.tidy(() => {
      const zero = tf.scalar(0);
      const parts: tf.Scalar[] = flats.map((g) => (g ? tf.norm(g) : zero) as tf.Scalar);
      for (let i = 0; i < terms.length; i++) {
        for (let j = i + 1; j < terms.length; j++) {
          const a = flats[i];
          const b = flats[j];
          parts.push(a && b ? tf.sum(tf.mul(a, b)) : zero);
        }
      }
      return tf.stack(parts) as tf.Tensor1D;
    });
    return { where, terms, present: flats.map((g) => g !== undefined), values };
  } finally {
    flats.forEach((g) => g?.dispose());
  }
}

/** Read queued probes back (one read for all; disposes them): the records, in order. */
export async function readConflicts(pending: readonly PendingConflict[]): Promise<ConflictRecord[]> {
  if (pending.length === 0) return [];
  let all: Float32Array;
  try {
    all = await readFlat(pending.map((p) => p.values));
  } finally {
    tf.dispose(pending.map((p) => p.values));
  }
  let o = 0;
  return pending.map(({ where, terms, present }) => {
    const norms: Partial<Record<TermName, number>> = {};
    const n = terms.map(() => all[o++]);
    terms.forEach((t, i) => (norms[t] = present[i] ? n[i] : 0));
    const cosines: Record<string, number | null> = {};
    for (let i = 0; i < terms.length; i++) {
      for (let j = i + 1; j < terms.length; j++) {
        const dot = all[o++];
        cosines[`${terms[i]}|${terms[j]}`] = present[i] && present[j] && n[i] > 0 && n[j] > 0 ? dot / (n[i] * n[j]) : null;
      }
    }
    return { ...where, norms, cosines };
  });
}

/** Measure the pairwise cosines of the given terms' gradients on one batch (`probeConflict`, read at once). */
export async function measureConflict(
  model: Model,
  batch: TensorBatch,
  ctx: StepContext,
  terms: readonly TermName[],
  where: { step: number; epoch: number; mode: string },
): Promise<ConflictRecord | undefined> {
  const p = probeConflict(model, batch, ctx, terms, where);
  return p ? (await readConflicts([p]))[0] : undefined;
}

/**
 * Mean of cos(∇forecast, ∇ce) over conflict samples (either key order; null cosines skipped),
 * or null when none was measured: the `gradientCosine` metric of `dive train` and the run records.
 */
export function meanForecastCeCosine(samples: readonly { readonly cosines: Readonly<Record<string, number | null | undefined>> }[]): number | null {
  const vals = samples.map((c) => c.cosines['forecast|ce'] ?? c.cosines['ce|forecast']).filter((v): v is number => typeof v === 'number');
  return vals.length ? vals.reduce((s, v) => s + v, 0) / vals.length : null;
}
