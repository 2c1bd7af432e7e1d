/**
 * Atom modeling as a plug-in regulariser — a RECONSTRUCTION of arXiv 2210.03728 ("Dynamic
 * Latent Separation for Deep Learning", Tuan, Chiu, Wang): no code or equations of that paper are
 * published, so every formula below is ours, built from its abstracts (docs/paper.md §10.3,
 * docs/design.md §Atom modeling (reconstruction)). Any latent model of the project can add it.
 *
 * Particles: the encoder features h [B, H] of a sample (atom) A are cut into n = `tokens`
 * consecutive chunks of H/n, the sub-components h_i^A ∈ ℝ^{H/n} (i = 1..n).
 *   π_i = softmax(g(h_i)) over {electron, proton, neutron}    (g: a Dense type head H/n → 3)
 *   q_i = π_i^p − π_i^e   (charge),   m_i = π_i^p + π_i^n   (mass)
 *   c_A = Σ_i m_i h_i^A / Σ_i m_i   (centre),   d̄_AB = ‖c_A − c_B‖,   d_ij = ‖h_i^A − h_j^B‖
 *   interaction 'separating' (default):
 *     W_A  = Σ_{i≠j∈A} q_i q_j / (d_ij + ε)                 (binding: Coulomb within an atom)
 *     U_AB = Σ_{i∈A} Σ_{j∈B} |q_i| |q_j| / (d_ij + ε)        (repulsion between atoms)
 *     energy = mean_A W_A + mean over ordered pairs A ≠ B of U_AB
 *   interaction 'coulomb' (the first reconstruction; degenerate, kept to reproduce it):
 *     U_AB = Σ_{i∈A} Σ_{j∈B} q_i q_j / (d_ij + ε),  energy = mean_{A≠B} U_AB
 *   (either U_AB × 1[d̄_AB < cutoff] when a cutoff is set)
 *   L_atom = energy + w_n · mean_A (Σ_i q_i^A)²               (neutrality)
 *                   + w_m · mean_A ReLU(m_min − mean_i m_i^A)² (minimum mass)
 *                   + w_q · mean_A ReLU(q_min − mean_i |q_i^A|)² (minimum charge)
 *                   + w_r · mean_{A,i} ReLU(‖h_i^A‖ − R)²     (norm bound)
 * Why 'separating': under 'coulomb' every particle neutral gives loss exactly 0 with every
 * constraint met, and opposite charges of different samples on top of each other lower it —
 * it rewards pulling samples together. The charge floor makes all-neutral infeasible, and
 * between atoms only repulsion acts, so collapsing samples raises the loss
 * (docs/design.md §Atom modeling; tests/models/atom.test.ts › trivial configurations).
 * Control (`repulsion`, no type head, no charges): h̄_A = mean_i h_i^A,
 *   L_rep = mean_{A≠B} 1/(‖h̄_A − h̄_B‖ + ε) + w_r · (the same norm bound).
 * Both are ≥ 0-weighted by `weight` (α) in the model's objective (term `atom`).
 */
import * as tf from '@tensorflow/tfjs';
import { Dense, type ParamStore } from './nn';
import { UserError } from '../util/errors';
import { defaultsOf, parseConfig, z } from '../util/config';

export type AtomKind = 'none' | 'atom' | 'repulsion';
export const ATOM_KINDS = ['none', 'atom', 'repulsion'] as const satisfies readonly AtomKind[];

/** The one-line label every output of this regulariser carries. */
export const ATOM_PROVENANCE = 'reconstruction of arXiv 2210.03728; no code or equations published';

export const AtomSchema = z.strictObject({
  kind: z.enum(ATOM_KINDS).default('none').describe("'none' (off), 'atom' (the reconstructed Coulomb energy) or 'repulsion' (the plain control)."),
  weight: z.number().min(0).default(0.1).describe("α, weight of the term in the objective (used when kind ≠ 'none')."),
  tokens: z.int().min(1).default(8).describe('n: sub-components (particles) per sample; the feature width must be divisible by it.'),
  epsilon: z.number().positive().default(1).describe('ε, softening of 1/(d + ε) (1: |q_i q_j/(d_ij + ε)| ≤ 1).'),
  cutoff: z.number().positive().nullable().default(null).describe('Atoms interact only when their centres are closer than this; null = all pairs.'),
  interaction: z.enum(['separating', 'coulomb']).default('separating').describe("'separating': Coulomb binding within an atom, repulsion |q_i||q_j|/(d+ε) between atoms; 'coulomb': signed Coulomb between atoms only (the first reconstruction, degenerate: all-neutral is a minimum and collapsing samples lowers it)."),
  minCharge: z.number().min(0).default(0.5).describe('q_min, minimum mean charge magnitude mean_i |q_i| per atom (0: off, as the first reconstruction).'),
  chargeWeight: z.number().min(0).default(1).describe('w_q, weight of the minimum-charge constraint.'),
  neutralityWeight: z.number().min(0).default(1).describe('w_n, weight of the neutrality constraint (Σ_i q_i)².'),
  minMass: z.number().min(0).default(0.5).describe('m_min, minimum mean mass per atom (proton + neutron fraction).'),
  massWeight: z.number().min(0).default(1).describe('w_m, weight of the minimum-mass constraint.'),
  normBound: z.number().min(0).default(4).describe("R, bound on a particle's norm ‖h_i‖."),
  normWeight: z.number().min(0).default(1).describe('w_r, weight of the norm bound.'),
});
export type AtomConfig = z.output<typeof AtomSchema>;
export const DEFAULT_ATOM: AtomConfig = defaultsOf(AtomSchema);

/** Check an atom config built by hand (`where` names it in messages, e.g. "model.atom"). */
export function checkAtomConfig(c: AtomConfig, where = 'model.atom'): void {
  parseConfig(AtomSchema, c, where);
}

/** True when the config adds a term to the objective. */
export function atomActive(c: AtomConfig): boolean {
  return c.kind !== 'none' && c.weight > 0;
}

/** Pairwise Euclidean distances of the rows of p [P, d] → [P, P] (gradient-safe at 0). */
function pairwiseDistances(p: tf.Tensor2D): tf.Tensor2D {
  const sq = tf.sum(tf.square(p), 1, true); // [P, 1]
  const d2 = tf.sub(tf.add(sq, tf.transpose(sq)), tf.mul(2, tf.matMul(p, p, false, true)));
  // The 1e-12 keeps the gradient of √· finite on the diagonal (masked out, but 0·∞ would be NaN).
  return tf.sqrt(tf.add(tf.relu(d2), 1e-12)) as tf.Tensor2D;
}

/** Sample membership of the B·n particles, one-hot [B·n, B]. */
function membership(B: number, n: number): tf.Tensor2D {
  const ids = new Int32Array(B * n);
  for (let i = 0; i < ids.length; i++) ids[i] = Math.floor(i / n);
  return tf.tidy(() => tf.oneHot(tf.tensor1d(ids, 'int32'), B).toFloat() as tf.Tensor2D);
}

/** The parts of the atom loss (unweighted by α), each a scalar. */
export interface AtomParts {
  readonly energy: tf.Scalar;
  readonly neutrality: tf.Scalar;
  readonly mass: tf.Scalar;
  /** minimum-charge constraint mean_A ReLU(q_min − mean_i |q_i|)² (unweighted) */
  readonly charge: tf.Scalar;
  readonly norm: tf.Scalar;
  readonly total: tf.Scalar;
}

/** Norm bound mean_{A,i} ReLU(‖h_i‖ − R)² of particles [B, n, d]. */
export function normPenalty(particles: tf.Tensor3D, bound: number): tf.Scalar {
  return tf.tidy(() => {
    // docs/design.md §Atom modeling (reconstruction): latent-norm bound, a soft constraint (reconstruction).
    const norms = tf.sqrt(tf.add(tf.sum(tf.square(particles), 2), 1e-12));
    return tf.mean(tf.square(tf.relu(tf.sub(norms, bound)))) as tf.Scalar;
  });
}

/**
 * The reconstructed atom loss of particles [B, n, d] with type logits [B, n, 3] (electron,
 * proton, neutron) under `c` (see module doc). Batches of one sample have energy 0.
 */
export function atomParts(particles: tf.Tensor3D, typeLogits: tf.Tensor3D, c: AtomConfig): AtomParts {
  const [B, n, d] = particles.shape;
  if (typeLogits.shape[0] !== B || typeLogits.shape[1] !== n || typeLogits.shape[2] !== 3) {
    throw new Error(`type logits of shape [${typeLogits.shape}] for particles [${particles.shape}]; expected [${B}, ${n}, 3]`);
  }
  return tf.tidy(() => {
    const pi = tf.softmax(typeLogits); // [B, n, 3]
    const [pe, pp, pn] = tf.split(pi, 3, 2).map((t) => tf.reshape(t, [B, n]) as tf.Tensor2D);
    // docs/paper.md §10.3, docs/design.md §Atom modeling: charge q_i = π^p − π^e, mass m_i = π^p + π^n (reconstruction).
    const q = tf.sub(pp, pe) as tf.Tensor2D;
    const m = tf.add(pp, pn) as tf.Tensor2D;
    let energy: tf.Scalar = tf.scalar(0);
    if (B >= 2) {
      const P = tf.reshape(particles, [B * n, d]) as tf.Tensor2D;
      const S = membership(B, n);
      const cross = tf.sub(1, tf.matMul(S, S, false, true)); // 1 for particles of different samples
      let mask = cross;
      if (c.cutoff !== null) {
        // docs/design.md §Atom modeling: centres c_A = Σ m_i h_i / Σ m_i, near atoms only (d̄_AB < cutoff) (reconstruction).
        const centres = tf.div(tf.sum(tf.mul(particles, tf.expandDims(m, 2)), 1), tf.add(tf.sum(m, 1, true), 1e-12)) as tf.Tensor2D;
        const near = tf.cast(tf.less(pairwiseDistances(centres), c.cutoff), 'float32') as tf.Tensor2D;
        mask = tf.mul(cross, tf.matMul(tf.matMul(S, near), S, false, true));
      }
      const qf = tf.reshape(q, [B * n, 1]);
      const inv = tf.div(1, tf.add(pairwiseDistances(P), c.epsilon));
      if (c.interaction === 'coulomb') {
        // docs/paper.md §10.3, docs/design.md §Atom modeling: U_AB = Σ_ij q_i q_j/(d_ij + ε), mean over A ≠ B (first reconstruction).
        energy = tf.div(tf.sum(tf.mul(tf.mul(tf.matMul(qf, qf, false, true), inv), mask)), B * (B - 1)) as tf.Scalar;
      } else {
        // docs/design.md §Atom modeling: between atoms only repulsion, U_AB = Σ_ij |q_i||q_j|/(d_ij + ε), mean over A ≠ B.
        const aq = tf.abs(qf);
        energy = tf.div(tf.sum(tf.mul(tf.mul(tf.matMul(aq, aq, false, true), inv), mask)), B * (B - 1)) as tf.Scalar;
      }
    }
    if (c.interaction === 'separating' && n >= 2) {
      // docs/design.md §Atom modeling: binding within an atom, W_A = Σ_{i≠j∈A} q_i q_j/(d_ij + ε), mean over A.
      const qa = tf.expandDims(q, 2); // [B, n, 1]
      const qq = tf.matMul(qa, qa, false, true); // [B, n, n]
      const sq = tf.sum(tf.square(particles), 2, true); // [B, n, 1]
      const d2 = tf.sub(tf.add(sq, tf.transpose(sq, [0, 2, 1])), tf.mul(2, tf.matMul(particles, particles, false, true)));
      const dist = tf.sqrt(tf.add(tf.relu(d2), 1e-12));
      const offDiagonal = tf.sub(1, tf.eye(n));
      const w = tf.sum(tf.mul(tf.div(qq, tf.add(dist, c.epsilon)), offDiagonal));
      energy = tf.add(energy, tf.div(w, B)) as tf.Scalar;
    }
    // docs/design.md §Atom modeling: neutrality constraint (Σ_i q_i)² per atom (reconstruction).
    const neutrality = tf.mean(tf.square(tf.sum(q, 1))) as tf.Scalar;
    // docs/design.md §Atom modeling: minimum-mass constraint ReLU(m_min − mean_i m_i)² (reconstruction).
    const mass = tf.mean(tf.square(tf.relu(tf.sub(c.minMass, tf.mean(m, 1))))) as tf.Scalar;
    // docs/design.md §Atom modeling: minimum-charge constraint ReLU(q_min − mean_i |q_i|)² per atom (all-neutral is infeasible).
    const charge = tf.mean(tf.square(tf.relu(tf.sub(c.minCharge, tf.mean(tf.abs(q), 1))))) as tf.Scalar;
    const norm = normPenalty(particles, c.normBound);
    const total = tf.addN([
      energy, tf.mul(c.neutralityWeight, neutrality), tf.mul(c.massWeight, mass), tf.mul(c.chargeWeight, charge), tf.mul(c.normWeight, norm),
    ]) as tf.Scalar;
    return { energy, neutrality, mass, charge, norm, total };
  });
}

/**
 * The plain-repulsion control: mean_{A≠B} 1/(‖h̄_A − h̄_B‖ + ε) on the mean-pooled particles
 * h̄ [B, d], plus the same norm bound on the particles [B, n, d]. Batches of one: the bound only.
 */
export function repulsionParts(particles: tf.Tensor3D, c: AtomConfig): { energy: tf.Scalar; norm: tf.Scalar; total: tf.Scalar } {
  const B = particles.shape[0];
  return tf.tidy(() => {
    let energy: tf.Scalar = tf.scalar(0);
    if (B >= 2) {
      const pooled = tf.mean(particles, 1) as tf.Tensor2D;
      const offDiagonal = tf.sub(1, tf.eye(B));
      // docs/design.md §Atom modeling (reconstruction): plain-repulsion control, mean_{A≠B} 1/(‖h̄_A − h̄_B‖ + ε).
      energy = tf.div(tf.sum(tf.mul(tf.div(1, tf.add(pairwiseDistances(pooled), c.epsilon)), offDiagonal)), B * (B - 1)) as tf.Scalar;
    }
    const norm = normPenalty(particles, c.normBound);
    return { energy, norm, total: tf.add(energy, tf.mul(c.normWeight, norm)) as tf.Scalar };
  });
}

/**
 * The regulariser as a model part: owns the type head (group `group`, 'atom' kind only) and
 * turns encoder features [B, H] into the unweighted term. Create it LAST in a model's
 * constructor so the other parameters' initial values do not depend on it.
 */
export class AtomRegulariser {
  readonly tokenDim: number;
  private readonly typeHead?: Dense;

  constructor(store: ParamStore, group: string, readonly config: AtomConfig, readonly featureDim: number) {
    checkAtomConfig(config);
    if (featureDim % config.tokens !== 0) {
      throw new UserError(`config field model.atom.tokens (${config.tokens}) must divide the encoder feature width ${featureDim}; pick a divisor of ${featureDim}`);
    }
    this.tokenDim = featureDim / config.tokens;
    if (config.kind === 'atom') this.typeHead = new Dense(store, group, 'typeHead', this.tokenDim, 3);
  }

  /** Features [B, H] → particles [B, n, H/n]. */
  particles(features: tf.Tensor2D): tf.Tensor3D {
    return tf.reshape(features, [features.shape[0], this.config.tokens, this.tokenDim]) as tf.Tensor3D;
  }

  /** Type probabilities π [B, n, 3] (electron, proton, neutron); 'atom' kind only. */
  types(features: tf.Tensor2D): tf.Tensor3D {
    if (!this.typeHead) throw new Error(`the ${this.config.kind} regulariser has no type head`);
    return tf.tidy(() => tf.softmax(this.typeLogits(this.particles(features))));
  }

  private typeLogits(p: tf.Tensor3D): tf.Tensor3D {
    const [B, n, d] = p.shape;
    return tf.reshape(this.typeHead!.apply(tf.reshape(p, [B * n, d]) as tf.Tensor2D), [B, n, 3]) as tf.Tensor3D;
  }

  /** The unweighted term L_atom or L_rep of features [B, H]. */
  loss(features: tf.Tensor2D): tf.Scalar {
    return tf.tidy(() => {
      const p = this.particles(features);
      if (this.config.kind === 'repulsion') return repulsionParts(p, this.config).total;
      if (this.config.kind === 'atom') return atomParts(p, this.typeLogits(p), this.config).total;
      throw new Error("the 'none' atom regulariser has no loss");
    });
  }
}
