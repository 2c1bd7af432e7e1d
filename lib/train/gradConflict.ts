/**
 * Gradient-conflict diagnostics: the cosine similarity between the gradients of each pair of
 * objective terms with respect to the shared parameters (the trunk). cos < 0 means the two
 * objectives pull the shared weights in opposing directions — the conflict interleaving is
 * meant to avoid.
 */
import * as tf from '@tensorflow/tfjs';
import type { Model, StepContext, TensorBatch, TermName } from '../models/types';

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

/** Measure the pairwise cosines of the given terms' gradients on one batch. */
export function measureConflict(
  model: Model,
  batch: TensorBatch,
  ctx: StepContext,
  terms: readonly TermName[],
  where: { step: number; epoch: number; mode: string },
): ConflictRecord | undefined {
  const shared = model.objective.shared;
  if (!shared) return undefined;
  const vars = model.params.variables([shared]);
  if (vars.length === 0 || terms.length < 2) return undefined;
  const flats = new Map<TermName, tf.Tensor1D>();
  try {
    for (const t of terms) {
      const g = flatGrad(model, batch, ctx, t, vars);
      if (g) flats.set(t, g);
    }
    const norms: Partial<Record<TermName, number>> = {};
    const n = new Map<TermName, number>();
    for (const t of terms) {
      const g = flats.get(t);
      const v = g ? tf.tidy(() => tf.norm(g).dataSync()[0]) : 0;
      norms[t] = v;
      n.set(t, v);
    }
    const cosines: Record<string, number | null> = {};
    for (let i = 0; i < terms.length; i++) {
      for (let j = i + 1; j < terms.length; j++) {
        const a = flats.get(terms[i]);
        const b = flats.get(terms[j]);
        const na = n.get(terms[i]) ?? 0;
        const nb = n.get(terms[j]) ?? 0;
        cosines[`${terms[i]}|${terms[j]}`] =
          a && b && na > 0 && nb > 0 ? tf.tidy(() => tf.sum(tf.mul(a, b)).dataSync()[0]) / (na * nb) : null;
      }
    }
    return { ...where, norms, cosines };
  } finally {
    flats.forEach((g) => g.dispose());
  }
}

/**
 * Mean of cos(∇forecast, ∇ce) over conflict samples (either key order; null cosines skipped),
 * or null when none was measured: the `gradientCosine` metric of `dive train` and the run records.
 */
export function meanForecastCeCosine(samples: readonly { readonly cosines: Readonly<Record<string, number | null | undefined>> }[]): number | null {
  const vals = samples.map((c) => c.cosines['forecast|ce'] ?? c.cosines['ce|forecast']).filter((v): v is number => typeof v === 'number');
  return vals.length ? vals.reduce((s, v) => s + v, 0) / vals.length : null;
}
