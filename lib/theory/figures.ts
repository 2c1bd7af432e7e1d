/**
 * The theory notebooks' parameter studies (01–03) as figure builders: each takes ONE plain
 * parameter object (numbers, strings, arrays: what a page's controls can produce) and returns a
 * plotly figure spec (lib/plot/figure.ts). They are pure float64 code with no tfjs and no Node
 * API, so the browser bundle (lib/browser.ts, namespace `figures`) carries them, and an
 * explorable figure (lib/plot/explorable.ts) recomputes them in the reader's browser with the
 * same code the notebook ran in Node. Every number comes from the theory modules; nothing here
 * is new theory.
 */
import { type Figure, type Trace, lineFigure, panelAxes } from '../plot/figure';
import { makeRng } from '../util/random';
import { UserError } from '../util/errors';
import { gaussian } from './gaussian';
import { scale } from '../math/linalg';
import { randomGaussian } from './randomParams';
import { elboTerms, interpolateGaussian, posterior, randomLinearGaussianModel, sampleJoint } from './linearGaussian';
import { correlatedCov2d, mcTotalCorrelation, naiveBayesDecomposition, randomFactorisedPosterior, randomFactorisedPrior, totalCorrelation2d } from './naiveBayes';
import { type ComponentFamily, COMPONENT_FAMILIES, LOG_CONCAVE, boundAlongMean, locationMixture } from './mixtureKl';
import { densityCurves, gapVsSeparation, linspace, minimisers, objectiveCurves } from './explore';

// ---------------------------------------------------------------- E1 (notebook 01)

/** Notebook 01's E1 path: which random model and how wide the starting q is. */
export interface ElboPathParams {
  /** Seeds the model, the observed (x, y) and q, drawn as notebook 01 draws them. */
  readonly seed: number;
  /** q's covariance is multiplied by this (1: the q the seed draws). */
  readonly spread: number;
}

/**
 * log p(x,y), the ELBO and the gap KL(q_t ‖ posterior) along q_t = (1−t) q + t posterior for a
 * random linear-Gaussian model (dims a 3, b 2, x 4, y 2, correlated prior), t = 0, 0.05, …, 1.
 */
export function elboPathFigure(p: ElboPathParams): Figure {
  const rng = makeRng(p.seed);
  const model = randomLinearGaussianModel({ dimA: 3, dimB: 2, dimX: 4, dimY: 2 }, rng, true);
  const { x, y } = sampleJoint(model, rng);
  const drawn = randomGaussian(5, rng, 1, 0.8);
  const q = p.spread === 1 ? drawn : gaussian(drawn.mean, scale(drawn.cov, positive(p.spread, 'spread')));
  const post = posterior(model, x, y);
  const ts = linspace(0, 1, 21);
  const along = ts.map((t) => elboTerms(model, x, y, interpolateGaussian(q, post, t)));
  return lineFigure(ts, {
    'log p(x,y)': along.map((v) => v.logEvidence),
    'ELBO L(q_t)': along.map((v) => v.elbo),
    'gap KL(q_t || posterior)': along.map((v) => v.posteriorKl),
  }, { title: `E1 along q_t = (1-t) q + t posterior (model seed ${p.seed}, q spread ${p.spread})`, xTitle: 't', yTitle: 'nats' });
}

// ---------------------------------------------------------------- E2 (notebook 02)

/** Notebook 02's TC study: the scales of q(b1, b2 | x) and the Monte Carlo budget. */
export interface TcCurvesParams {
  /** Standard deviations of b1 and b2 under q(b|x). */
  readonly s1: number;
  readonly s2: number;
  /** Monte Carlo draws per correlation. */
  readonly draws: number;
  /** Seed of the first correlation's draws (the k-th uses seed + k). */
  readonly seed: number;
}

/**
 * Over correlations ρ = −0.95, −0.90, …, 0.95 of q(b1, b2 | x): the closed-form TC, its Monte
 * Carlo estimate, and the measured Naive-Bayes gap (joint KL − the E2 sum, for the encoder and
 * prior notebook 02 draws from seeds 9 and 11). TC does not depend on the scales; the gap
 * follows it for any of them.
 */
export function tcCurvesFigure(p: TcCurvesParams): Figure {
  const rhos = Array.from({ length: 39 }, (_, i) => -0.95 + 0.05 * i);
  positive(p.s1, 's1');
  positive(p.s2, 's2');
  if (!(Number.isInteger(p.draws) && p.draws >= 2)) throw new UserError(`draws is ${p.draws}; give an integer of at least 2`);
  const cov = (r: number) => correlatedCov2d(r, p.s1, p.s2);
  const closed = rhos.map((r) => totalCorrelation2d(r));
  const mc = rhos.map((r, i) => mcTotalCorrelation(gaussian([0, 0], cov(r)), p.draws, makeRng(p.seed + i)).estimate);
  const encoder = randomFactorisedPosterior(2, 2, makeRng(9), true);
  const prior = randomFactorisedPrior(2, 2, makeRng(11));
  const gap = rhos.map((r) => naiveBayesDecomposition({ ...encoder, qb: gaussian([0.3, -0.2], cov(r)) }, prior).gap);
  return lineFigure(rhos, {
    'TC = -1/2 log(1 - rho^2)': closed,
    [`TC, Monte Carlo (${p.draws} draws)`]: mc,
    'KL - Naive-Bayes sum (measured)': gap,
  }, { title: `The Naive-Bayes gap is the total correlation of q(b|x) (scales ${p.s1}, ${p.s2})`, xTitle: 'correlation rho of q(b1, b2 | x)', yTitle: 'nats' });
}

// ---------------------------------------------------------------- E3 (notebook 03)

/** The mixture of notebook 03: three classes at −d, 0, d with common scale 1; the label is the middle one. */
export interface MixtureStudy {
  /** Prior weights π of the classes at −d, 0, d (positive, summing to 1). */
  readonly weights: readonly number[];
  /**
   * π of the labelled middle class; the other two keep their ratio and share the rest. Equal to
   * weights[1] leaves the weights as given.
   */
  readonly labelWeight: number;
}

/** The label of notebook 03's mixtures: the middle class, at 0. */
export const MIDDLE_CLASS = 1;

/** `weights` with π_y set to `w` and the other classes rescaled to keep the sum 1. */
export function withLabelWeight(weights: readonly number[], y: number, w: number): number[] {
  if (!(w > 0 && w < 1)) throw new UserError(`label weight ${w} is outside (0, 1); give a weight between 0 and 1`);
  if (w === weights[y]) return [...weights];
  const rest = 1 - weights[y];
  return weights.map((v, k) => (k === y ? w : (v * (1 - w)) / rest));
}

function studyMixture(family: ComponentFamily, d: number, s: MixtureStudy) {
  return locationMixture(family, [-d, 0, d], withLabelWeight(s.weights, MIDDLE_CLASS, s.labelWeight), 1);
}

function family(name: string): ComponentFamily {
  if (!(COMPONENT_FAMILIES as readonly string[]).includes(name)) throw new UserError(`unknown component family '${name}'; choose one of ${COMPONENT_FAMILIES.join(', ')}`);
  return name as ComponentFamily;
}

function positive(v: number, what: string): number {
  if (!(v > 0)) throw new UserError(`${what} is ${v}; give a positive number`);
  return v;
}

/** Colours of the classes at −d, 0, d. */
const CLASS_COLOURS = ['#1f77b4', '#d62728', '#2ca02c'];

/** Notebook 03 step 3: the RBF softmax for two families side by side. */
export interface ResponsibilitiesParams extends MixtureStudy {
  /** Separation of the centres −d, 0, d. */
  readonly d: number;
  /** Families of the left and right panels. */
  readonly left: string;
  readonly right: string;
}

/** Responsibilities r_k(b) (solid) and the mixture density p(b) (dashed) on b ∈ [−25, 25], two panels. */
export function responsibilitiesFigure(p: ResponsibilitiesParams): Figure {
  const b = linspace(-25, 25, 251);
  const data: Trace[] = [];
  [family(p.left), family(p.right)].forEach((fam, panel) => {
    const c = densityCurves(studyMixture(fam, positive(p.d, 'separation d'), p), b);
    c.responsibilities.forEach((r, k) => data.push({ type: 'scatter', mode: 'lines', x: b, y: r, name: `r_${k} (class ${k})`, line: { color: CLASS_COLOURS[k] }, ...panelAxes(panel) }));
    data.push({ type: 'scatter', mode: 'lines', x: b, y: c.mixture, name: 'p(b)', line: { color: 'black', dash: 'dash' }, ...panelAxes(panel) });
  });
  return {
    data,
    layout: {
      title: { text: `RBF softmax r_k(b): ${p.left} (left) vs ${p.right} (right), d = ${p.d}` },
      margin: { t: 50, r: 20 },
      height: 420,
      grid: { rows: 1, columns: 2, pattern: 'independent' },
    },
  };
}

/** Notebook 03 step 4: the bound along q's mean. */
export interface BoundParams extends MixtureStudy {
  readonly d: number;
  /** σ of q(b|x). */
  readonly sd: number;
}

/** U_y(m) − min over m ∈ [−8, 8] for every family (the Cauchy control marked). */
export function boundFigure(p: BoundParams): Figure {
  const m = linspace(-8, 8, 81);
  const curves: Record<string, number[]> = {};
  for (const fam of COMPONENT_FAMILIES) {
    const u = boundAlongMean(studyMixture(fam, positive(p.d, 'separation d'), p), MIDDLE_CLASS, positive(p.sd, 'sigma'), m);
    const umin = Math.min(...u);
    curves[fam + (LOG_CONCAVE[fam] ? '' : ' (control)')] = u.map((v) => v - umin);
  }
  return lineFigure(m, curves, { title: `Bound U_y(m) - min, sigma = ${p.sd}, d = ${p.d}, scale 1`, xTitle: 'mean m of q(b|x)', yTitle: 'nats' });
}

/** Notebook 03 step 5: the gap against separation. */
export interface GapParams extends MixtureStudy {
  readonly sd: number;
  /** Separations on [0.25, 30]. */
  readonly points: number;
}

/** The gap E_q[CE] at q = N(μ_y, σ²) against separation, every family, log scale. */
export function gapFigure(p: GapParams): Figure {
  const d = linspace(0.25, 30, p.points);
  const w = withLabelWeight(p.weights, MIDDLE_CLASS, p.labelWeight);
  const gaps: Record<string, number[]> = {};
  for (const fam of COMPONENT_FAMILIES) gaps[fam] = gapVsSeparation(fam, d, w, positive(p.sd, 'sigma')).map((g) => Math.max(g, 1e-300));
  const fig = lineFigure(d, gaps, { title: `Bound gap E_q[CE] at q = N(mu_y, ${p.sd}^2), pi_y = ${p.labelWeight}`, xTitle: 'separation d (units of the common scale)', yTitle: 'gap (nats, log scale)' });
  fig.layout.yaxis = { ...fig.layout.yaxis, type: 'log', range: [-20, 1] };
  return fig;
}

/** Notebook 03 step 6: where each objective puts q's mean. */
export interface MinimisersParams extends MixtureStudy {
  /** σ of q(b|x). */
  readonly sd: number;
  /** The separations on the x axis. */
  readonly separations: readonly number[];
}

/** argmin over m ∈ [−d, d] of the bound, E_q[CE] and the true KL, against d (Gaussian RBFs). */
export function minimisersFigure(p: MinimisersParams): Figure {
  const ds = p.separations;
  const w = withLabelWeight(p.weights, MIDDLE_CLASS, p.labelWeight);
  const rows = ds.map((d) => minimisers(studyMixture('gaussian', d, p), MIDDLE_CLASS, positive(p.sd, 'sigma'), -d, d));
  const data: Trace[] = [
    { type: 'scatter', mode: 'lines+markers', x: ds, y: rows.map((r) => r.bound), name: 'argmin bound U_y (mode)' },
    { type: 'scatter', mode: 'lines+markers', x: ds, y: rows.map((r) => r.expectedCe), name: 'argmin E_q[CE]' },
    { type: 'scatter', mode: 'lines+markers', x: ds, y: rows.map((r) => r.kl), name: 'argmin true KL(q||p)' },
    { type: 'scatter', mode: 'lines', x: ds, y: ds.map((d) => Math.log(w[0] / w[2]) / (2 * d)), name: 'log(pi_L/pi_R)/(2d)', line: { dash: 'dot', color: 'gray' } },
  ];
  return {
    data,
    layout: {
      title: { text: `Where each objective puts q's mean (Gaussian RBFs, label = middle class at 0), sigma = ${p.sd}` },
      margin: { t: 50, r: 20 },
      xaxis: { title: { text: 'separation d' } },
      yaxis: { title: { text: 'minimising mean m*' } },
      showlegend: true,
    },
  };
}

/** Notebook 03's last figure: the three objectives along q's mean, two families. */
export interface ObjectivesParams extends MixtureStudy {
  readonly d: number;
  readonly sd: number;
  readonly left: string;
  readonly right: string;
  /** Points of q's mean on [−8, 8]. */
  readonly points: number;
}

/** The bound U_y, KL(q‖p) and E_q[CE] as functions of q's mean, left and right family. */
export function objectivesFigure(p: ObjectivesParams): Figure {
  const m = linspace(-8, 8, p.points);
  const data: Trace[] = [];
  [family(p.left), family(p.right)].forEach((fam, panel) => {
    const c = objectiveCurves(studyMixture(fam, positive(p.d, 'separation d'), p), MIDDLE_CLASS, positive(p.sd, 'sigma'), m);
    const ax = panelAxes(panel);
    data.push({ type: 'scatter', mode: 'lines', x: m, y: c.bound, name: 'bound U_y', line: { color: '#1f77b4' }, ...ax });
    data.push({ type: 'scatter', mode: 'lines', x: m, y: c.kl, name: 'KL(q||p)', line: { color: '#2ca02c' }, ...ax });
    data.push({ type: 'scatter', mode: 'lines', x: m, y: c.expectedCe, name: 'E_q[CE]', line: { color: '#d62728' }, ...ax });
  });
  return {
    data,
    layout: {
      title: { text: `Objectives vs mean of q (sigma = ${p.sd}, d = ${p.d}): ${p.left} (left), ${p.right} (right)` },
      margin: { t: 50, r: 20 },
      height: 420,
      grid: { rows: 1, columns: 2, pattern: 'independent' },
    },
  };
}
