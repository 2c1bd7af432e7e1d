/**
 * β-VAE (Higgins et al. 2017) and β-TCVAE (Chen et al. 2018) with the same trunk, decoder and
 * forecaster as DeepDIVE, and no labels (unsupervised latent z).
 *
 *   h = trunk(x);  z ~ q(z|x) = N(μ(h), σ²(h)) [B, Z];  x̂ = decoder(z);
 *   ŷ = forecaster(z, x) (forecasterInput 'code', default) or forecaster([z ‖ h], x) ('code+features')
 *   β-VAE:    loss = MSE(y, ŷ) + MSE(x, x̂) + s·β·KL(q(z|x) ‖ N(0, I))
 *   β-TCVAE:  loss = MSE(y, ŷ) + MSE(x, x̂) + s·(α·MI + β·TC + γ·dwKL)   (MWS estimate)
 * s = klScale (null → 2/(L·C), the unit-variance Gaussian bound in MSE units; see design.md).
 * Capacity: one trunk of the same config as DeepDIVE's conditional trunk, the same decoder and
 * forecaster widths, |z| = |a| + |b|, and the same training-time dropout (docs/design.md).
 */
import * as tf from '@tensorflow/tfjs';
import { Dense, NOISE_STREAM, ParamStore, clipLogvar, dropout, reparameterise } from './nn';
import { mixSeed } from '../util/random';
import { Trunk, TrunkSchema } from './trunk';
import { defaultsOf, z } from '../util/config';
import { Decoder, Forecaster } from './heads';
import { autoBeta } from './deepdive';
import { UserError } from '../util/errors';
import type { DataInfo, LossTerms, Model, ObjectiveSpec, Prediction, PredictNeed, StepContext, TensorBatch, TermName } from './types';
import { forecastLoss, reconstructionLoss } from '../objectives/likelihood';
import { klStandardNormal } from '../objectives/kl';
import { tcDecomposition } from '../objectives/totalCorrelation';
import { AtomRegulariser, AtomSchema, atomActive } from './atom';
import { InstanceNorm, RevinSchema } from './revin';

export const BetaVaeSchema = z.strictObject({
  seed: z.int().default(0).describe('Weight-initialisation seed.'),
  trunk: TrunkSchema.prefault({}),
  revin: RevinSchema,
  totalCorrelation: z.boolean().default(false).describe('Estimate the prior term as β-TCVAE (MI + β·TC + dwKL) instead of β·KL.'),
  zDim: z.int().min(1).nullable().default(null).describe("Z: latent dims; null = 16 + number of labels (DeepDIVE's |a| + |b|)."),
  decoderHidden: z.int().min(1).default(128).describe('Hidden width of the decoder.'),
  forecasterHidden: z.int().min(1).default(128).describe('Hidden width of the forecaster.'),
  forecasterInput: z.enum(['code', 'code+features']).default('code').describe("Forecaster MLP input besides the highway: the code z only, or [z ‖ trunk features] (as DeepDIVE's option)."),
  dropout: z.number().min(0).lt(1).default(0.2).describe("Dropout on the trunk features and the forecaster's hidden layer in training passes (as DeepDIVE)."),
  highway: z.int().min(0).default(24).describe('Highway window, rows (0 = none).'),
  beta: z.number().min(0).default(4).describe('β: KL weight (β-VAE) or TC weight (β-TCVAE, whose card sets 6).'),
  alpha: z.number().min(0).default(1).describe('α: weight of the index-code MI (β-TCVAE).'),
  gamma: z.number().min(0).default(1).describe('γ: weight of the dimension-wise KL (β-TCVAE).'),
  klScale: z.number().min(0).nullable().default(null).describe('s: scale of the whole prior term; null = 2/(L·C).'),
  logvarMin: z.number().default(-8).describe('Lower clip of log σ² of z.'),
  logvarMax: z.number().default(4).describe('Upper clip of log σ² of z.'),
  atom: AtomSchema.prefault({}).describe(
    "Optional atom-modeling regulariser (a reconstruction of arXiv 2210.03728, lib/models/atom.ts) or its plain-repulsion control, on the (pre-dropout) trunk features cut into tokens; one phase, like every other term. Off by default (kind 'none').",
  ),
});
export type BetaVaeConfig = z.output<typeof BetaVaeSchema>;
export const DEFAULT_BETA_VAE: BetaVaeConfig = defaultsOf(BetaVaeSchema);
/** β-TCVAE's defaults: the same schema with totalCorrelation on and β = 6 (its card's variant defaults). */
export const BETA_TCVAE_DEFAULTS = { totalCorrelation: true, beta: 6 } as const;
export const DEFAULT_BETA_TCVAE: BetaVaeConfig = BetaVaeSchema.parse(BETA_TCVAE_DEFAULTS);

export class BetaVae implements Model {
  readonly params: ParamStore;
  readonly objective: ObjectiveSpec;
  readonly zDim: number;
  private readonly trunk: Trunk;
  /** Reversible instance normalisation of the input window (lib/models/revin.ts). */
  private readonly norm: InstanceNorm;
  private readonly mu: Dense;
  private readonly logvar: Dense;
  private readonly decoder: Decoder;
  private readonly forecaster: Forecaster;
  private readonly atom?: AtomRegulariser;

  constructor(readonly name: string, readonly config: BetaVaeConfig, readonly dataInfo: DataInfo) {
    const c = config;
    this.zDim = c.zDim ?? 16 + dataInfo.labels.length;
    this.params = new ParamStore(c.seed);
    const p = this.params;
    this.trunk = new Trunk(p, 'trunk', c.trunk, dataInfo.inputLength, dataInfo.channels);
    const H = this.trunk.outDim;
    this.mu = new Dense(p, 'encoder', 'mu', H, this.zDim);
    this.logvar = new Dense(p, 'encoder', 'logvar', H, this.zDim);
    this.decoder = new Decoder(p, 'decoder', this.zDim, c.decoderHidden, dataInfo.inputLength, dataInfo.channels);
    this.forecaster = new Forecaster(p, 'forecaster', this.zDim + (c.forecasterInput === 'code' ? 0 : H), c.forecasterHidden, dataInfo.inputLength, dataInfo.targetLength, dataInfo.channels, c.highway);
    this.norm = new InstanceNorm(p, 'revin', c.revin, dataInfo.channels);
    const s = c.klScale ?? autoBeta(dataInfo);
    const weights: Partial<Record<TermName, number>> = c.totalCorrelation
      ? { forecast: 1, recon: 1, mi: s * c.alpha, tc: s * c.beta, dwkl: s * c.gamma }
      : { forecast: 1, recon: 1, kl: s * c.beta };
    // Created last, so the other parameters' initial values are the same with and without it.
    if (atomActive(c.atom)) {
      this.atom = new AtomRegulariser(p, 'atom', c.atom, H);
      // docs/design.md §Atom modeling (reconstruction): α · L_atom (or L_rep) joins the objective.
      weights.atom = c.atom.weight;
    }
    this.objective = { weights, shared: 'trunk' };
  }

  /** Trunk features h (with training dropout when `dropSeed` is given), μ and clipped log σ² of z. */
  private encode(x: tf.Tensor3D, dropSeed?: number): { h: tf.Tensor2D; hRaw: tf.Tensor2D; mu: tf.Tensor2D; lv: tf.Tensor2D } {
    const hRaw = this.trunk.apply(x);
    const h = dropSeed !== undefined ? dropout(hRaw, this.config.dropout, dropSeed) : hRaw;
    return { h, hRaw, mu: this.mu.apply(h), lv: clipLogvar(this.logvar.apply(h), this.config.logvarMin, this.config.logvarMax) };
  }

  /** The forecaster MLP's input: z, or [z ‖ h] with the 'code+features' side channel. */
  private forecasterFeatures(z: tf.Tensor2D, h: tf.Tensor2D): tf.Tensor2D {
    return this.config.forecasterInput === 'code' ? z : tf.concat([z, h], 1);
  }

  losses(batch: TensorBatch, ctx: StepContext): LossTerms {
    // docs/design.md §Training recipe: the model reads x̃; its outputs are mapped back before the losses.
    const stats = this.norm.stats(batch.x);
    const x = this.norm.normalise(batch.x, stats);
    const { h, hRaw, mu, lv } = this.encode(x, mixSeed(ctx.noiseSeed, NOISE_STREAM.conditionalTrunkDropout));
    const z = reparameterise(mu, lv, mixSeed(ctx.noiseSeed, NOISE_STREAM.conditionalSample));
    const drop = { rate: this.config.dropout, seed: mixSeed(ctx.noiseSeed, NOISE_STREAM.forecasterDropout) };
    const terms: LossTerms = {
      // E1: −E_q log p(x | z) and −E_q log p(y | z, x) as MSE.
      recon: reconstructionLoss(batch.x, this.norm.denormalise(this.decoder.apply(z), stats)),
      forecast: forecastLoss(batch.y, this.norm.denormalise(this.forecaster.apply(this.forecasterFeatures(z, h), x, drop), stats)),
    };
    if (this.config.totalCorrelation) {
      // E1's prior KL decomposed as MI + TC + dimension-wise KL (β-TCVAE, MWS).
      const { mi, tc, dwkl } = tcDecomposition(z, mu, lv, this.dataInfo.trainCount);
      Object.assign(terms, { mi, tc, dwkl });
    } else {
      // E1: KL(q(z|x) ‖ N(0, I)).
      terms.kl = klStandardNormal(mu, lv);
    }
    // docs/design.md §Atom modeling (reconstruction): the particles are the pre-dropout trunk features.
    if (this.atom) terms.atom = this.atom.loss(hRaw);
    return terms;
  }

  predict(input: tf.Tensor3D, need: PredictNeed = 'all'): Prediction {
    const stats = this.norm.stats(input);
    const x = this.norm.normalise(input, stats);
    const { h, mu } = this.encode(x);
    const forecast = this.norm.denormalise(this.forecaster.apply(this.forecasterFeatures(mu, h), x), stats);
    if (need === 'forecast') return { forecast, latentA: mu };
    return { forecast, reconstruction: this.norm.denormalise(this.decoder.apply(mu), stats), latentA: mu };
  }

  dispose(): void {
    this.params.dispose();
  }
}
