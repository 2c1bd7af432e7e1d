/**
 * DeepDIVE (arXiv 2501.08710) and its ablations, in one file.
 *
 *   h = trunk(x)                                     [B, H]   marginal (label) features
 *   g = h (conditionalTrunk 'shared') or conditionalTrunk(x) ('separate')   [B, H]
 *   b ~ q(b|x) = N(μ_b(h), σ_b²(h))                  [B, M]   one scalar per label (marginal)
 *   r_i = softmax(RBF_i(b_i))                        [B, K_i] mixture memberships (E3)
 *   a ~ q(a|x) = N(μ_a(g), σ_a²(g))                  [B, A]   conditional code, prior N(0, I)
 *   F = CrossAttention(tokens(a), labelTokens(r, b)) [B, nA·d] fused code
 *   x̂ = decoder(F),  ŷ = forecaster([F ‖ g], x) + highway(x)
 *
 * loss = MSE(y, ŷ) + MSE(x, x̂) + β_a·KL(q(a|x) ‖ N(0, I)) + λ·Σ_i CE_i      (E1 with E2/E3)
 *
 * Variants: `deepdive-a` (no b: conditional code only — the "original VAE" + forecaster),
 * `deepdive-b` (no a: marginal code only), `deepdive-concat` (fusion by concatenation).
 * Variable groups: trunk, bEncoder, rbf (phase M, trained on Σ CE), conditionalTrunk (when
 * 'separate'), aEncoder, fusion, decoder, forecaster (phase C). With 'separate' the conditional
 * code and the forecaster's summary of x read their own trunk, trained by phase C, while the
 * label trunk stays frozen there (the paper figure: a computed directly from x, b held fixed).
 * Without b (deepdive-a) there is one trunk, trained with everything else.
 */
import * as tf from '@tensorflow/tfjs';
import { UserError } from '../util/errors';
import { Dense, ParamStore, dropout, mixSeed, reparameterise } from './nn';
import { RbfLayer } from './rbf';
import { CrossAttention, LabelTokens } from './crossAttention';
import { DEFAULT_TRUNK, Trunk, type TrunkConfig } from './trunk';
import { Decoder, Forecaster } from './heads';
import type { DataInfo, LossTerms, Model, ObjectiveSpec, Prediction, StepContext, TensorBatch, TermName } from './types';
import { forecastLoss, reconstructionLoss } from '../objectives/likelihood';
import { klStandardNormal } from '../objectives/kl';
import { rbfCrossEntropy } from '../objectives/rbfCrossEntropy';

export interface DeepDiveConfig {
  /** Weight-initialisation seed. Default 0 (the trainer passes --seed). */
  seed: number;
  trunk: TrunkConfig;
  /** Use the conditional code a. false = `deepdive-b`. */
  useA: boolean;
  /** Use the marginal code b (needs labels). false = `deepdive-a`. */
  useB: boolean;
  /** How a meets the label tokens: cross-attention (DeepDIVE) or concatenation (ablation). */
  fusion: 'attention' | 'concat';
  /**
   * Which trunk the conditional path (a-encoder and the forecaster's summary of x) reads:
   * 'shared' = the label trunk trained only by Σ CE in phase M (frozen in phase C);
   * 'separate' = its own trunk of the same config, trained in phase C. Default 'separate'
   * (validation error: 48% lower on synthetic, a few % higher on ETTh1; docs/design.md,
   * "Measured choices"). Ignored without b (one trunk).
   */
  conditionalTrunk: 'shared' | 'separate';
  /**
   * Dropout rate on the trunk features and the forecaster's hidden layer, training passes only
   * (`losses`; `predict` is deterministic). Default 0.2 (chosen on ETTh1 validation error,
   * docs/design.md).
   */
  dropout: number;
  /** A: dims of a. Default 16. */
  aDim: number;
  /** nA: number of query tokens a is projected to. Default 4. */
  aTokens: number;
  /** d: token width. Default 32. */
  tokenDim: number;
  /** Attention heads (d divisible by heads). Default 4. */
  heads: number;
  /** Hidden width of the decoder. Default 128. */
  decoderHidden: number;
  /** Hidden width of the forecaster. Default 128. */
  forecasterHidden: number;
  /** Window of the linear autoregressive highway, rows (0 = none). Default 24. */
  highway: number;
  /** RBF centres start evenly spaced on [−span, span]. Default 3. */
  rbfSpan: number;
  /**
   * One learnable width per label, shared by its K RBFs, instead of one per class. Default
   * false. With equal widths every class's decision region is one interval (E3; the
   * `e3-one-cluster-fails-unequal-widths` check shows per-class widths can break that).
   */
  rbfSharedWidth: boolean;
  /** β_a, weight of KL_a; null = 2/(L·C), the weight that makes it the unit-variance bound. */
  betaA: number | null;
  /** λ, weight of Σ_i CE_i. Default 1. */
  lambda: number;
  /** log σ² of both codes is clipped to [logvarMin, logvarMax]. Default [−8, 4]. */
  logvarMin: number;
  logvarMax: number;
}

export const DEFAULT_DEEPDIVE: DeepDiveConfig = {
  seed: 0,
  trunk: DEFAULT_TRUNK,
  useA: true,
  useB: true,
  fusion: 'attention',
  conditionalTrunk: 'separate',
  dropout: 0.2,
  aDim: 16,
  aTokens: 4,
  tokenDim: 32,
  heads: 4,
  decoderHidden: 128,
  forecasterHidden: 128,
  highway: 24,
  rbfSpan: 3,
  rbfSharedWidth: false,
  betaA: null,
  lambda: 1,
  logvarMin: -8,
  logvarMax: 4,
};

/** The unit-variance Gaussian bound in MSE units: KL weight 2/(L·C) (see docs/design.md). */
export function autoBeta(info: DataInfo): number {
  return 2 / (info.inputLength * info.channels);
}

export class DeepDive implements Model {
  readonly params: ParamStore;
  readonly objective: ObjectiveSpec;
  private readonly trunk: Trunk;
  /** The conditional path's own trunk ('separate' with b); undefined → the path reads `trunk`. */
  private readonly cTrunk?: Trunk;
  private readonly bMu?: Dense;
  private readonly bLogvar?: Dense;
  private readonly rbf: RbfLayer[] = [];
  private readonly aMu?: Dense;
  private readonly aLogvar?: Dense;
  private readonly aProj?: Dense;
  private readonly labelTokens?: LabelTokens;
  private readonly attention?: CrossAttention;
  private readonly decoder: Decoder;
  private readonly forecaster: Forecaster;

  constructor(readonly name: string, readonly config: DeepDiveConfig, readonly dataInfo: DataInfo) {
    const c = config;
    const M = dataInfo.labels.length;
    if (c.useB && M === 0) throw new UserError(`model ${name} needs supervised labels but the data have none; use --model deepdive-a or data with labels`);
    if (!c.useA && !c.useB) throw new UserError(`model ${name}: config has neither useA nor useB; enable at least one code`);
    if (c.fusion !== 'attention' && c.fusion !== 'concat') throw new UserError(`config field model.fusion must be attention or concat, got '${String(c.fusion)}'`);
    for (const k of ['aDim', 'aTokens', 'tokenDim', 'heads', 'decoderHidden', 'forecasterHidden'] as const) {
      if (!Number.isInteger(c[k]) || c[k] < 1) throw new UserError(`config field model.${k} must be a whole number ≥ 1, got ${c[k]}`);
    }
    if (c.conditionalTrunk !== 'shared' && c.conditionalTrunk !== 'separate') {
      throw new UserError(`config field model.conditionalTrunk must be shared or separate, got '${String(c.conditionalTrunk)}'`);
    }
    if (!(c.dropout >= 0 && c.dropout < 1)) throw new UserError(`config field model.dropout must be in [0, 1), got ${c.dropout}`);
    if (c.tokenDim % c.heads !== 0) throw new UserError(`config field model.tokenDim (${c.tokenDim}) must be divisible by model.heads (${c.heads})`);
    this.params = new ParamStore(c.seed);
    const p = this.params;
    this.trunk = new Trunk(p, 'trunk', c.trunk, dataInfo.inputLength, dataInfo.channels);
    const H = this.trunk.outDim;
    if (c.useB) {
      this.bMu = new Dense(p, 'bEncoder', 'mu', H, M);
      this.bLogvar = new Dense(p, 'bEncoder', 'logvar', H, M);
      dataInfo.labels.forEach((l, i) => {
        const freq = dataInfo.classFrequencies[i] ?? new Array<number>(l.classes).fill(1);
        if (freq.length !== l.classes) throw new Error(`label ${l.name}: ${freq.length} class frequencies for ${l.classes} classes`);
        this.rbf.push(new RbfLayer(p, 'rbf', `rbf${i}`, freq, c.rbfSpan, c.rbfSharedWidth));
      });
    }
    if (c.useB && c.conditionalTrunk === 'separate') this.cTrunk = new Trunk(p, 'conditionalTrunk', c.trunk, dataInfo.inputLength, dataInfo.channels);
    if (c.useA) {
      this.aMu = new Dense(p, 'aEncoder', 'mu', H, c.aDim);
      this.aLogvar = new Dense(p, 'aEncoder', 'logvar', H, c.aDim);
      this.aProj = new Dense(p, 'fusion', 'aTokens', c.aDim, c.aTokens * c.tokenDim);
    }
    if (c.useB) this.labelTokens = new LabelTokens(p, 'fusion', dataInfo.labels.map((l) => l.classes), c.tokenDim);
    if (c.useA && c.useB && c.fusion === 'attention') this.attention = new CrossAttention(p, 'fusion', c.tokenDim, c.heads);
    const fusedDim = (c.useA ? c.aTokens * c.tokenDim : 0) + (c.useB && (!c.useA || c.fusion === 'concat') ? M * c.tokenDim : 0);
    this.decoder = new Decoder(p, 'decoder', fusedDim, c.decoderHidden, dataInfo.inputLength, dataInfo.channels);
    this.forecaster = new Forecaster(p, 'forecaster', fusedDim + H, c.forecasterHidden, dataInfo.inputLength, dataInfo.targetLength, dataInfo.channels, c.highway);

    const weights: Partial<Record<TermName, number>> = { forecast: 1, recon: 1 };
    if (c.useA) weights.klA = c.betaA ?? autoBeta(dataInfo);
    if (c.useB) weights.ce = c.lambda;
    this.objective = {
      weights,
      marginal: c.useB ? { groups: ['trunk', 'bEncoder', 'rbf'], terms: ['ce'] } : undefined,
      // Conflict diagnostics on the label trunk: CE reaches it directly, forecast and
      // reconstruction through b; KL_a reaches it only with a shared conditional trunk.
      shared: 'trunk',
    };
  }

  /** μ_b, clipped log σ²_b [B, M]. */
  private encodeB(h: tf.Tensor2D): [tf.Tensor2D, tf.Tensor2D] {
    return [this.bMu!.apply(h), tf.clipByValue(this.bLogvar!.apply(h), this.config.logvarMin, this.config.logvarMax)];
  }
  private encodeA(h: tf.Tensor2D): [tf.Tensor2D, tf.Tensor2D] {
    return [this.aMu!.apply(h), tf.clipByValue(this.aLogvar!.apply(h), this.config.logvarMin, this.config.logvarMax)];
  }

  /** RBF logits per label for b [B, M]. */
  private rbfLogits(b: tf.Tensor2D): tf.Tensor2D[] {
    const M = this.rbf.length;
    const cols = M === 1 ? [b] : tf.split(b, M, 1);
    return this.rbf.map((layer, i) => layer.logits(tf.reshape(cols[i], [-1]) as tf.Tensor1D));
  }

  /** Fused code from a (or undefined) and (b, logits) (or undefined). */
  private fuse(a: tf.Tensor2D | undefined, b: tf.Tensor2D | undefined, logits: tf.Tensor2D[]): tf.Tensor2D {
    const c = this.config;
    const B = (a ?? b)!.shape[0];
    const aTok = a ? (tf.reshape(this.aProj!.apply(a), [B, c.aTokens, c.tokenDim]) as tf.Tensor3D) : undefined;
    const lTok = b ? this.labelTokens!.tokens(logits.map((l) => tf.softmax(l)), b) : undefined;
    if (aTok && lTok && this.attention) return tf.reshape(this.attention.apply(aTok, lTok), [B, -1]);
    const parts = [aTok, lTok].filter((t): t is tf.Tensor3D => t !== undefined).map((t) => tf.reshape(t, [B, -1]) as tf.Tensor2D);
    return parts.length === 1 ? parts[0] : tf.concat(parts, 1);
  }

  losses(batch: TensorBatch, ctx: StepContext, need?: readonly TermName[]): LossTerms {
    const c = this.config;
    const wants = (t: TermName): boolean => (need ? need.includes(t) : true) && this.objective.weights[t] !== undefined;
    const terms: LossTerms = {};
    const drop = (t: tf.Tensor2D, k: number): tf.Tensor2D => dropout(t, c.dropout, mixSeed(ctx.noiseSeed, k));
    const h = drop(this.trunk.apply(batch.x), 3);
    let b: tf.Tensor2D | undefined;
    let logits: tf.Tensor2D[] = [];
    if (c.useB) {
      const [mu, lv] = this.encodeB(h);
      b = reparameterise(mu, lv, mixSeed(ctx.noiseSeed, 1));
      logits = this.rbfLogits(b);
      // E3: Σ_i CE_i = −Σ_i log r_{i,y_i}(b_i), replacing the marginal KL.
      if (wants('ce')) terms.ce = tf.addN(logits.map((l, i) => rbfCrossEntropy(l, batch.labels[i]))) as tf.Scalar;
    }
    if (!wants('forecast') && !wants('recon') && !wants('klA')) return terms;
    const g = this.cTrunk ? drop(this.cTrunk.apply(batch.x), 4) : h;
    let a: tf.Tensor2D | undefined;
    if (c.useA) {
      const [mu, lv] = this.encodeA(g);
      a = reparameterise(mu, lv, mixSeed(ctx.noiseSeed, 2));
      // E1: KL(q(a|x) ‖ N(0, I)).
      if (wants('klA')) terms.klA = klStandardNormal(mu, lv);
    }
    const fused = this.fuse(a, b, logits);
    // E1: −E_q log p(x | a, b) as MSE.
    if (wants('recon')) terms.recon = reconstructionLoss(batch.x, this.decoder.apply(fused));
    // E1: −E_q log p(y | a, b, x) as MSE.
    if (wants('forecast')) {
      const forecast = this.forecaster.apply(tf.concat([fused, g], 1), batch.x, { rate: c.dropout, seed: mixSeed(ctx.noiseSeed, 5) });
      terms.forecast = forecastLoss(batch.y, forecast);
    }
    return terms;
  }

  predict(x: tf.Tensor3D): Prediction {
    const c = this.config;
    const h = this.trunk.apply(x);
    let muB: tf.Tensor2D | undefined;
    let logits: tf.Tensor2D[] = [];
    if (c.useB) {
      muB = this.encodeB(h)[0];
      logits = this.rbfLogits(muB);
    }
    const g = this.cTrunk ? this.cTrunk.apply(x) : h;
    const muA = c.useA ? this.encodeA(g)[0] : undefined;
    const fused = this.fuse(muA, muB, logits);
    return {
      forecast: this.forecaster.apply(tf.concat([fused, g], 1), x),
      reconstruction: this.decoder.apply(fused),
      latentA: muA,
      latentB: muB,
      memberships: c.useB ? logits.map((l) => tf.softmax(l)) : undefined,
    };
  }

  dispose(): void {
    this.rbf.forEach((r) => r.dispose());
    this.params.dispose();
  }
}
