/**
 * DeepDIVE (arXiv 2501.08710) and its ablations, in one file.
 *
 *   h = trunk(x)                                     [B, H]   marginal (label) features
 *   g = h (conditionalTrunk 'shared') or conditionalTrunk(x) ('separate')   [B, H]
 *   b ~ q(b|x) = N(μ_b(h), σ_b²(h))                  [B, M]   one scalar per label (marginal)
 *   r_i = softmax(RBF_i(b_i))                        [B, K_i] mixture memberships (E3)
 *   a ~ q(a|x) = N(μ_a(g), σ_a²(g))                  [B, A]   conditional code, prior N(0, I)
 *   F = CrossAttention(tokens(a), labelTokens(r, b)) [B, nA·d] fused code
 *   x̂ = decoder(F),  ŷ = forecaster(F, x) + highway(x)       (forecasterInput 'code', default)
 *                    ŷ = forecaster([F ‖ g], x) + highway(x)  (forecasterInput 'code+features')
 *
 * loss = MSE(y, ŷ) + MSE(x, x̂) + β_a·KL(q(a|x) ‖ N(0, I)) + λ·Σ_i CE_i + β_b·Σ_i KL(q(b_i|x) ‖ p_{y_i})
 *                                                           (docs/paper.md E1 with E2/E3)
 *
 * Variants: `deepdive-a` (no b: conditional code only — the "original VAE" + forecaster),
 * `deepdive-b` (no a: marginal code only), `deepdive-concat` (fusion by concatenation).
 * Variable groups: trunk, bEncoder, rbf (phase M, trained on Σ CE + β_b Σ KL_b), conditionalTrunk
 * (when 'separate' and a conditional path exists), aEncoder, fusion, decoder, forecaster (phase C).
 * With forecasterInput 'code' the forecaster sees x only through the latent code and the linear
 * highway, so `deepdive-b` has no unsupervised path at all and the ablations isolate a and b. With 'separate' the conditional
 * code and the forecaster's summary of x read their own trunk, trained by phase C, while the
 * label trunk stays frozen there (the paper figure: a computed directly from x, b held fixed).
 * Without b (deepdive-a) there is one trunk, trained with everything else.
 */
import * as tf from '@tensorflow/tfjs';
import { UserError } from '../util/errors';
import { Dense, NOISE_STREAM, ParamStore, clipLogvar, dropout, reparameterise } from './nn';
import { mixSeed } from '../util/random';
import { RbfLayer } from './rbf';
import { CrossAttention, LabelTokens } from './crossAttention';
import { Trunk, TrunkSchema } from './trunk';
import { defaultsOf, z } from '../util/config';
import { Decoder, Forecaster } from './heads';
import type { DataInfo, LossTerms, Model, ObjectiveSpec, Prediction, PredictNeed, StepContext, TensorBatch, TermName } from './types';
import { forecastLoss, reconstructionLoss } from '../objectives/likelihood';
import { klStandardNormal } from '../objectives/kl';
import { rbfCrossEntropy } from '../objectives/rbfCrossEntropy';
import { AtomRegulariser, AtomSchema, atomActive } from './atom';
import { InstanceNorm, RevinSchema } from './revin';

export const DeepDiveSchema = z.strictObject({
  seed: z.int().default(0).describe('Weight-initialisation seed (the trainer passes --seed).'),
  trunk: TrunkSchema.prefault({}),
  revin: RevinSchema,
  useA: z.boolean().default(true).describe('Use the conditional code a. false = `deepdive-b`.'),
  useB: z.boolean().default(true).describe('Use the marginal code b (needs labels). false = `deepdive-a`.'),
  fusion: z.enum(['attention', 'concat']).default('attention').describe('How a meets the label tokens: cross-attention (DeepDIVE) or concatenation (ablation).'),
  conditionalTrunk: z.enum(['shared', 'separate']).default('separate').describe(
    "Which trunk the conditional path (a-encoder and the forecaster's summary of x) reads: 'shared' = the label trunk trained only by Σ CE in phase M (frozen in phase C); 'separate' = its own trunk of the same config, trained in phase C. 'separate' was chosen on validation error (docs/design.md, \"Measured choices\"): with a shared trunk the conditional path only ever sees features shaped by the label cross-entropy. Ignored without b (one trunk).",
  ),
  forecasterInput: z.enum(['code', 'code+features']).default('code').describe(
    "What the forecaster's MLP reads besides the highway: 'code' = the fused latent code only; 'code+features' = [fused code ‖ conditional trunk features g] (the earlier default: a side channel around the latent code, which makes the ablations share an unsupervised path). 'code', so that deepdive-a / deepdive-b isolate a and b (docs/design.md).",
  ),
  dropout: z.number().min(0).lt(1).default(0.2).describe('Dropout rate on the trunk features and the forecaster\'s hidden layer, training passes only (`losses`; `predict` is deterministic); 0.2 chosen on ETTh1 validation error (docs/design.md).'),
  aDim: z.int().min(1).default(16).describe('A: dims of a.'),
  aTokens: z.int().min(1).default(4).describe('nA: number of query tokens a is projected to.'),
  tokenDim: z.int().min(1).default(32).describe('d: token width (divisible by heads).'),
  heads: z.int().min(1).default(4).describe('Attention heads.'),
  decoderHidden: z.int().min(1).default(128).describe('Hidden width of the decoder.'),
  forecasterHidden: z.int().min(1).default(128).describe('Hidden width of the forecaster.'),
  highway: z.int().min(0).default(24).describe('Window of the linear autoregressive highway, rows (0 = none).'),
  rbfSpan: z.number().positive().default(3).describe('RBF centres start evenly spaced on [−span, span].'),
  rbfSharedWidth: z.boolean().default(false).describe(
    "One learnable width per label, shared by its K RBFs, instead of one per class. With equal widths every class's decision region is one interval (E3; the `e3-one-cluster-fails-unequal-widths` check shows per-class widths can break that).",
  ),
  cyclicLabels: z.enum(['circle', 'line']).default('circle').describe(
    "Cyclic labels (hour, weekday, month): 'circle' = von Mises components with centres on a circle (b read as an angle), so the last class neighbours the first; 'line' = Gaussian components on a line like ordinal labels (docs/design.md, \"Cyclic labels\").",
  ),
  betaA: z.number().min(0).nullable().default(null).describe('β_a, weight of KL_a; null = 2/(L·C), the weight that makes it the unit-variance bound.'),
  lambda: z.number().min(0).default(1).describe('λ, weight of Σ_i CE_i.'),
  betaB: z.number().min(0).default(0.1).describe(
    "β_b, weight of Σ_i KL(q(b_i|x) ‖ p_{y_i}), the label-conditional prior term of E3's bound (trained in phase M with the CE). Keeps σ_b off the log-variance clip and μ_b near its class centre; 0.1 chosen on validation error (docs/design.md).",
  ),
  logvarMin: z.number().default(-8).describe('Lower clip of log σ² of both codes.'),
  logvarMax: z.number().default(4).describe('Upper clip of log σ² of both codes.'),
  atom: AtomSchema.prefault({}).describe(
    "Optional atom-modeling regulariser (a reconstruction of arXiv 2210.03728, lib/models/atom.ts) or its plain-repulsion control, on the features of the conditional path's trunk g, cut into tokens; it joins the phase that trains that trunk (phase C with a separate conditional trunk, phase M when g is the label trunk). Off by default (kind 'none').",
  ),
});
export type DeepDiveConfig = z.output<typeof DeepDiveSchema>;
export const DEFAULT_DEEPDIVE: DeepDiveConfig = defaultsOf(DeepDiveSchema);

/**
 * Upper clip of log σ²_b for labels on a circle: σ ≤ 0.5 rad, where q(b|x)'s mass beyond ±π is
 * < 10⁻⁹ and its Gaussian entropy is the wrapped one (RbfLayer.componentKl).
 */
export const CIRCLE_LOGVAR_MAX = 2 * Math.log(0.5);

/** The unit-variance Gaussian bound in MSE units: KL weight 2/(L·C) (see docs/design.md). */
export function autoBeta(info: DataInfo): number {
  return 2 / (info.inputLength * info.channels);
}

export class DeepDive implements Model {
  readonly params: ParamStore;
  readonly objective: ObjectiveSpec;
  private readonly trunk: Trunk;
  /** Reversible instance normalisation of the input window (group 'revin', trained in phase C). */
  private readonly norm: InstanceNorm;
  /** The conditional path's own trunk ('separate' with b); undefined → the path reads `trunk`. */
  private readonly cTrunk?: Trunk;
  private readonly bMu?: Dense;
  private readonly bLogvar?: Dense;
  private readonly rbf: RbfLayer[] = [];
  /** Upper clip of log σ²_b per label [M]: logvarMax, or log 0.25 (σ ≤ 0.5 rad) for labels on a circle. */
  private readonly bLogvarMax?: tf.Tensor1D;
  private readonly aMu?: Dense;
  private readonly aLogvar?: Dense;
  private readonly aProj?: Dense;
  private readonly labelTokens?: LabelTokens;
  private readonly attention?: CrossAttention;
  private readonly decoder: Decoder;
  private readonly forecaster: Forecaster;
  /** The atom regulariser (or repulsion control), when configured. */
  private readonly atom?: AtomRegulariser;
  /** The atom term reads the label trunk h (no separate conditional trunk), so it joins phase M. */
  private readonly atomOnLabelTrunk: boolean = false;

  constructor(readonly name: string, readonly config: DeepDiveConfig, readonly dataInfo: DataInfo) {
    const c = config;
    const M = dataInfo.labels.length;
    if (c.useB && M === 0) throw new UserError(`model ${name} needs supervised labels but the data have none; use --model deepdive-a or data with labels`);
    if (!c.useA && !c.useB) throw new UserError(`model ${name}: config has neither useA nor useB; enable at least one code`);
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
        const geometry = l.cyclic && c.cyclicLabels === 'circle' ? 'circle' : 'line';
        this.rbf.push(new RbfLayer(p, 'rbf', `rbf${i}`, freq, { span: c.rbfSpan, sharedWidth: c.rbfSharedWidth, geometry }));
      });
      this.bLogvarMax = tf.keep(tf.tensor1d(this.rbf.map((r) => (r.geometry === 'circle' ? Math.min(c.logvarMax, CIRCLE_LOGVAR_MAX) : c.logvarMax))));
      // Start log σ²_b one unit below its upper clip on a circle (σ_b ≈ 0.30 rad; 0 = σ 1 on a
      // line, as before): with the bias at 0 every window's log σ²_b began above the circle's clip
      // log 0.25, where the clip passes no gradient, so σ_b of cyclic labels never trained
      // (found by the PyTorch parity check; docs/design.md "Measured choices").
      const bias = this.rbf.map((r) => (r.geometry === 'circle' ? Math.min(c.logvarMax, CIRCLE_LOGVAR_MAX) - 1 : 0));
      tf.tidy(() => this.bLogvar!.b.assign(tf.tensor1d(bias)));
    }
    // The conditional path exists when a does, or when the forecaster reads trunk features.
    const conditionalPath = c.useA || c.forecasterInput === 'code+features';
    if (c.useB && c.conditionalTrunk === 'separate' && conditionalPath) {
      this.cTrunk = new Trunk(p, 'conditionalTrunk', c.trunk, dataInfo.inputLength, dataInfo.channels);
    }
    if (c.useA) {
      this.aMu = new Dense(p, 'aEncoder', 'mu', H, c.aDim);
      this.aLogvar = new Dense(p, 'aEncoder', 'logvar', H, c.aDim);
      this.aProj = new Dense(p, 'fusion', 'aTokens', c.aDim, c.aTokens * c.tokenDim);
    }
    if (c.useB) this.labelTokens = new LabelTokens(p, 'fusion', dataInfo.labels.map((l) => l.classes), c.tokenDim);
    if (c.useA && c.useB && c.fusion === 'attention') this.attention = new CrossAttention(p, 'fusion', c.tokenDim, c.heads);
    const fusedDim = (c.useA ? c.aTokens * c.tokenDim : 0) + (c.useB && (!c.useA || c.fusion === 'concat') ? M * c.tokenDim : 0);
    this.decoder = new Decoder(p, 'decoder', fusedDim, c.decoderHidden, dataInfo.inputLength, dataInfo.channels);
    const forecasterIn = fusedDim + (c.forecasterInput === 'code+features' ? H : 0);
    this.forecaster = new Forecaster(p, 'forecaster', forecasterIn, c.forecasterHidden, dataInfo.inputLength, dataInfo.targetLength, dataInfo.channels, c.highway);
    this.norm = new InstanceNorm(p, 'revin', c.revin, dataInfo.channels);

    const weights: Partial<Record<TermName, number>> = { forecast: 1, recon: 1 };
    if (c.useA) weights.klA = c.betaA ?? autoBeta(dataInfo);
    if (c.useB) {
      weights.ce = c.lambda;
      weights.klB = c.betaB;
    }
    // Created last, so the other parameters' initial values are the same with and without it.
    if (atomActive(c.atom)) {
      this.atom = new AtomRegulariser(p, 'atom', c.atom, H);
      // docs/design.md §Atom modeling (reconstruction): α · L_atom (or L_rep) joins the objective.
      weights.atom = c.atom.weight;
      this.atomOnLabelTrunk = c.useB && !this.cTrunk;
    }
    const marginalGroups = ['trunk', 'bEncoder', 'rbf', ...(this.atomOnLabelTrunk ? ['atom'] : [])];
    const marginalTerms: TermName[] = ['ce', 'klB', ...(this.atomOnLabelTrunk ? (['atom'] as TermName[]) : [])];
    this.objective = {
      weights,
      marginal: c.useB ? { groups: marginalGroups, terms: marginalTerms } : undefined,
      // Conflict diagnostics on the label trunk: CE reaches it directly, forecast and
      // reconstruction through b; KL_a reaches it only with a shared conditional trunk.
      shared: 'trunk',
    };
  }

  /** μ_b, clipped log σ²_b [B, M] (labels on a circle clip σ_b at 0.5 rad). */
  private encodeB(h: tf.Tensor2D): [tf.Tensor2D, tf.Tensor2D] {
    const lv = clipLogvar(this.bLogvar!.apply(h), this.config.logvarMin, this.bLogvarMax!);
    return [this.bMu!.apply(h), lv];
  }
  private encodeA(h: tf.Tensor2D): [tf.Tensor2D, tf.Tensor2D] {
    return [this.aMu!.apply(h), clipLogvar(this.aLogvar!.apply(h), this.config.logvarMin, this.config.logvarMax)];
  }

  /** The M columns of a [B, M] tensor as [B] vectors. */
  private columns(t: tf.Tensor2D): tf.Tensor1D[] {
    const M = this.rbf.length;
    return (M === 1 ? [t] : tf.split(t, M, 1)).map((col) => tf.reshape(col, [-1]) as tf.Tensor1D);
  }

  /** RBF logits per label for b [B, M]. */
  private rbfLogits(b: tf.Tensor2D): tf.Tensor2D[] {
    const cols = this.columns(b);
    return this.rbf.map((layer, i) => layer.logits(cols[i]));
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

  /** The forecaster MLP's input: the fused code, or [code ‖ g] with the 'code+features' side channel. */
  private forecasterFeatures(fused: tf.Tensor2D, g: tf.Tensor2D | undefined): tf.Tensor2D {
    return this.config.forecasterInput === 'code' || !g ? fused : tf.concat([fused, g], 1);
  }

  losses(batch: TensorBatch, ctx: StepContext, need?: readonly TermName[]): LossTerms {
    const c = this.config;
    const wants = (t: TermName): boolean => (need ? need.includes(t) : true) && (this.objective.weights[t] ?? 0) !== 0;
    const terms: LossTerms = {};
    const drop = (t: tf.Tensor2D, stream: number): tf.Tensor2D => dropout(t, c.dropout, mixSeed(ctx.noiseSeed, stream));
    // docs/design.md §Training recipe: every part reads the instance-normalised window x̃;
    // forecast and reconstruction are mapped back before their losses (data units).
    const stats = this.norm.stats(batch.x);
    const x = this.norm.normalise(batch.x, stats);
    const hRaw = this.trunk.apply(x);
    const h = drop(hRaw, NOISE_STREAM.trunkDropout);
    // docs/design.md §Atom modeling (reconstruction): the particles are the (pre-dropout) trunk features.
    if (this.atom && !this.cTrunk && wants('atom')) terms.atom = this.atom.loss(hRaw);
    let b: tf.Tensor2D | undefined;
    let logits: tf.Tensor2D[] = [];
    if (c.useB) {
      const [mu, lv] = this.encodeB(h);
      b = reparameterise(mu, lv, mixSeed(ctx.noiseSeed, NOISE_STREAM.marginalSample));
      logits = this.rbfLogits(b);
      // docs/paper.md E3: Σ_i CE_i = −Σ_i log r_{i,y_i}(b_i), the classifier part of the marginal KL.
      if (wants('ce')) terms.ce = tf.addN(logits.map((l, i) => rbfCrossEntropy(l, batch.labels[i]))) as tf.Scalar;
      // docs/paper.md E3: Σ_i KL(q(b_i|x) ‖ p_{y_i}), the label-conditional prior term of the bound.
      if (wants('klB')) {
        const mus = this.columns(mu);
        const lvs = this.columns(lv);
        terms.klB = tf.addN(this.rbf.map((layer, i) => layer.meanComponentKl(mus[i], lvs[i], batch.labels[i]))) as tf.Scalar;
      }
    }
    const cTrunkTerm = this.atom !== undefined && this.cTrunk !== undefined && wants('atom');
    if (!wants('forecast') && !wants('recon') && !wants('klA') && !cTrunkTerm) return terms;
    const gRaw = this.cTrunk ? this.cTrunk.apply(x) : undefined;
    const g = gRaw ? drop(gRaw, NOISE_STREAM.conditionalTrunkDropout) : h;
    // docs/design.md §Atom modeling (reconstruction): particles from the conditional trunk's features.
    if (cTrunkTerm) terms.atom = this.atom!.loss(gRaw!);
    if (!wants('forecast') && !wants('recon') && !wants('klA')) return terms;
    let a: tf.Tensor2D | undefined;
    if (c.useA) {
      const [mu, lv] = this.encodeA(g);
      a = reparameterise(mu, lv, mixSeed(ctx.noiseSeed, NOISE_STREAM.conditionalSample));
      // docs/paper.md E1: KL(q(a|x) ‖ N(0, I)).
      if (wants('klA')) terms.klA = klStandardNormal(mu, lv);
    }
    const fused = this.fuse(a, b, logits);
    // docs/paper.md E1: −E_q log p(x | a, b) as MSE.
    if (wants('recon')) terms.recon = reconstructionLoss(batch.x, this.norm.denormalise(this.decoder.apply(fused), stats));
    // docs/paper.md E1: −E_q log p(y | a, b, x) as MSE.
    if (wants('forecast')) {
      const forecast = this.forecaster.apply(this.forecasterFeatures(fused, g), x, { rate: c.dropout, seed: mixSeed(ctx.noiseSeed, NOISE_STREAM.forecasterDropout) });
      terms.forecast = forecastLoss(batch.y, this.norm.denormalise(forecast, stats));
    }
    return terms;
  }

  predict(input: tf.Tensor3D, need: PredictNeed = 'all'): Prediction {
    const c = this.config;
    const stats = this.norm.stats(input);
    const x = this.norm.normalise(input, stats);
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
    const forecast = this.norm.denormalise(this.forecaster.apply(this.forecasterFeatures(fused, g), x), stats);
    if (need === 'forecast') return { forecast, latentA: muA, latentB: muB };
    return {
      forecast,
      reconstruction: this.norm.denormalise(this.decoder.apply(fused), stats),
      latentA: muA,
      latentB: muB,
      memberships: c.useB ? logits.map((l) => tf.softmax(l)) : undefined,
    };
  }

  dispose(): void {
    this.bLogvarMax?.dispose();
    this.rbf.forEach((r) => r.dispose());
    this.params.dispose();
  }
}
