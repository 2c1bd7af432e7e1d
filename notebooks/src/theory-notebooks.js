#!/usr/bin/env node
'use strict';
/**
 * Generates notebooks 01–03 (the theory notebooks: E1, E2, E3) as nbformat-4 JSON with the
 * tslab TypeScript kernel. Run from the repository root:  node notebooks/src/theory-notebooks.js
 * Cells import the COMPILED library from ../dist (run `npm run build` first; `dive notebooks
 * run` does it when dist/ is stale). Outputs are not stored; `dive notebooks run` makes them.
 */
const fs = require('node:fs');
const path = require('node:path');

const lines = (s) => {
  const t = s.replace(/^\n/, '').replace(/\n\s*$/, '');
  const ls = t.split('\n');
  return ls.map((l, i) => (i < ls.length - 1 ? `${l}\n` : l));
};
// String.raw keeps the backslash of \` and \${ (needed to write them inside a template): strip
// it so cells get plain backticks (Markdown code) and template-literal placeholders.
const unescapeRaw = (s) => s.replace(/\\([`$])/g, '$1');
const md = (s) => ({ cell_type: 'markdown', metadata: {}, source: lines(unescapeRaw(s)) });
const code = (s) => ({ cell_type: 'code', execution_count: null, metadata: {}, outputs: [], source: lines(unescapeRaw(s)) });

function notebook(title, cells) {
  return {
    cells,
    metadata: {
      title,
      kernelspec: { name: 'tslab', display_name: 'TypeScript', language: 'typescript' },
      language_info: { name: 'typescript', file_extension: '.ts', mimetype: 'text/typescript' },
    },
    nbformat: 4,
    nbformat_minor: 5,
  };
}

// ---------------------------------------------------------------------------------------------
const nb01 = notebook('E1: the joint ELBO', [
  md(String.raw`
# 01 — The joint ELBO (E1), checked where every term is exact

DeepDIVE trains one latent code $z=(a,b)$ for reconstruction **and** forecasting. Equation E1
(Proposition 1 of the paper as reported by a secondary reading, see
\`/work/shared/paper/deepdive.md\`) says the two losses plus the prior KL are exactly a lower
bound of the *joint* log-likelihood of the input window $x$ and the future $y$:

$$
\log p(x,y) \;=\; \underbrace{\mathbb{E}_q[\log p(y\mid a,b,x)]}_{\text{forecast}}
\;+\; \underbrace{\mathbb{E}_q[\log p(x\mid a,b)]}_{\text{reconstruction}}
\;-\; \mathrm{KL}\big(q(a,b\mid x)\,\|\,p(a,b)\big)
\;+\; \mathrm{KL}\big(q(a,b\mid x)\,\|\,p(a,b\mid x,y)\big).
$$

**Provenance.** The statement is the paper's (via a secondary source); the proof below is the
standard ELBO argument written out by us. The **linear-Gaussian test model is our choice**: in
it $\log p(x,y)$, the posterior $p(a,b\mid x,y)$ and every ELBO term are closed-form, so E1 can be
checked to rounding error instead of to Monte-Carlo noise:

$$ z=[a;b]\sim\mathcal N(m_0,S_0),\quad x = W_x z + c_x + \varepsilon_x,\quad y = W_y z + V x + c_y + \varepsilon_y,\quad
\varepsilon_x\sim\mathcal N(0,R_x),\ \varepsilon_y\sim\mathcal N(0,R_y).$$

$y$ depends on $x$ directly ($V$), as $p(y\mid a,b,x)$ allows. The code is \`lib/theory/linearGaussian.ts\`;
derivations in \`docs/theory.md\`. Every step below is followed by one cell that checks it numerically.
`),
  code(String.raw`
import { makeRng } from '../dist/lib/util/random';
import { randomLinearGaussianModel, sampleJoint, elboTerms, mcElbo, posterior, interpolateGaussian, logLikelihoodX, logLikelihoodY } from '../dist/lib/theory/linearGaussian';
import { randomGaussian } from '../dist/lib/theory/randomParams';
import { sampleGaussian, logDensity } from '../dist/lib/theory/gaussian';
import { mcExpectation } from '../dist/lib/theory/montecarlo';
import { CHECKS, runCheck } from '../dist/lib/theory/checks';
import { lineFigure, show } from '../dist/lib/plot';

const rng = makeRng(2025);
const model = randomLinearGaussianModel({ dimA: 3, dimB: 2, dimX: 4, dimY: 2 }, rng, true);
const { x, y } = sampleJoint(model, rng);
const q = randomGaussian(5, rng, 1, 0.8); // an arbitrary Gaussian "encoder output" q(a,b|x)
const show3 = (v: ArrayLike<number>) => Array.from(v).map((u) => u.toFixed(3)).join(' ');
console.log('x =', show3(x), '   y =', show3(y), '   q mean =', show3(q.mean));
`),
  md(String.raw`
## Step 1 — evidence = ELBO + gap, for *any* $q$

Bayes' rule holds pointwise in $(a,b)$: $\log p(x,y) = \log p(x,y,a,b) - \log p(a,b\mid x,y)$.
Take $\mathbb{E}_{q(a,b\mid x)}$ of both sides and add and subtract $\log q$:

$$\log p(x,y) = \underbrace{\mathbb{E}_q\!\left[\log \frac{p(x,y,a,b)}{q(a,b\mid x)}\right]}_{\mathcal L(x,y)}
+ \underbrace{\mathbb{E}_q\!\left[\log\frac{q(a,b\mid x)}{p(a,b\mid x,y)}\right]}_{\mathrm{KL}(q\,\|\,p(a,b\mid x,y))\;\ge 0}.$$

The check: $\log p(x,y)$ from the marginal Gaussian of $(x,y)$ against $\mathcal L$ + KL to the
posterior (computed by Bayes in information form — an independent route), and $\mathcal L$ by
Monte Carlo from log-densities only.
`),
  code(String.raw`
const terms = elboTerms(model, x, y, q);
const mcL = mcElbo(model, x, y, q, 20000, makeRng(7));
console.log('log p(x,y)                 =', terms.logEvidence.toFixed(10));
console.log('L + KL(q || posterior)     =', (terms.elbo + terms.posteriorKl).toFixed(10));
console.log('relative error             =', terms.relError.toExponential(2));
console.log('L analytic                 =', terms.elbo.toFixed(4));
console.log('L Monte Carlo (20000 draws) =', mcL.estimate.toFixed(4), '+/-', mcL.stdError.toFixed(4), ' -> ', (Math.abs(mcL.estimate - terms.elbo) / mcL.stdError).toFixed(2), 'standard errors');
`),
  md(String.raw`
## Step 2 — the ELBO splits into forecast + reconstruction − prior KL

The generative model factorises as $p(x,y,a,b) = p(y\mid a,b,x)\,p(x\mid a,b)\,p(a,b)$, so

$$\mathcal L = \mathbb{E}_q[\log p(y\mid a,b,x)] + \mathbb{E}_q[\log p(x\mid a,b)] - \mathrm{KL}(q(a,b\mid x)\,\|\,p(a,b)).$$

For a Gaussian likelihood $\mathcal N(t; Wz+c, R)$ and $q=\mathcal N(m,S)$ each expectation is
$-\tfrac12[d\log 2\pi + \log\det R + r^\top R^{-1} r + \operatorname{tr}(R^{-1}WSW^\top)]$ with $r=t-Wm-c$.
The check: each closed-form term against its own Monte Carlo estimate.
`),
  code(String.raw`
const draw = (r: any) => sampleGaussian(q, r);
const mcForecast = mcExpectation(draw, (z: Float64Array) => logLikelihoodY(model, z, x, y), 20000, makeRng(8));
const mcRecon = mcExpectation(draw, (z: Float64Array) => logLikelihoodX(model, z, x), 20000, makeRng(9));
const mcKlPrior = mcExpectation(draw, (z: Float64Array) => logDensity(q, z) - logDensity(model.prior, z), 20000, makeRng(10));
const rows: [string, number, any][] = [['forecast  E_q log p(y|a,b,x)', terms.forecast, mcForecast], ['reconstruction  E_q log p(x|a,b)', terms.reconstruction, mcRecon], ['KL(q || p(a,b))', terms.priorKl, mcKlPrior]];
for (const [name, exact, mc] of rows) console.log(name.padEnd(34), exact.toFixed(4), '  MC', mc.estimate.toFixed(4), '+/-', mc.stdError.toFixed(4), ' z =', (Math.abs(mc.estimate - exact) / mc.stdError).toFixed(2));
console.log('forecast + reconstruction - KL =', (terms.forecast + terms.reconstruction - terms.priorKl).toFixed(10), '  L =', terms.elbo.toFixed(10));
`),
  md(String.raw`
## Step 3 — the bound is tight exactly at the posterior

The gap is $\mathrm{KL}(q\,\|\,p(a,b\mid x,y))$, zero iff $q$ is the posterior. Move $q$ towards
the posterior along $q_t = \mathcal N\big((1-t)\mu_q + t\mu_\star,\ (1-t)\Sigma_q + t\Sigma_\star\big)$.
Along this path the gap is convex in $t$ (the trace term is linear, $-\log\det$ convex, the
Mahalanobis term convex) and zero at $t=1$, so it must fall monotonically to 0 while
$\log p(x,y)$ stays fixed and $\mathcal L$ rises to meet it.
`),
  code(String.raw`
const post = posterior(model, x, y);
const ts = Array.from({ length: 21 }, (_, i) => i / 20);
const along = ts.map((t) => elboTerms(model, x, y, interpolateGaussian(q, post, t)));
const monotone = along.every((p, i) => i === 0 || p.posteriorKl <= along[i - 1].posteriorKl + 1e-12);
console.log('gap at t=0:', along[0].posteriorKl.toFixed(4), 'nats   gap at t=1:', along[20].posteriorKl.toExponential(2), '   monotone:', monotone);
console.log('|log p(x,y) - L| at the posterior:', Math.abs(along[20].logEvidence - along[20].elbo).toExponential(2));
show(lineFigure(ts, {
  'log p(x,y)': along.map((p) => p.logEvidence),
  'ELBO L(q_t)': along.map((p) => p.elbo),
  'gap KL(q_t || posterior)': along.map((p) => p.posteriorKl),
}, { title: 'E1 along q_t = (1-t) q + t posterior', xTitle: 't', yTitle: 'nats' }));
`),
  md(String.raw`
## Step 4 — over random models

The same three facts over a seeded grid of random models (dimensions 1–3 for $a$ and $b$,
1–4 for $x$, 1–3 for $y$; standard or correlated prior) — exactly what \`dive theory check\` runs.
`),
  code(String.raw`
for (const c of CHECKS.filter((k) => k.equation === 'E1')) {
  const r = runCheck(c, { seed: 1, trials: 12 });
  console.log((r.passed ? 'ok  ' : 'FAIL') + ' ' + r.name.padEnd(24), 'max error', r.maxError.toExponential(2), '<=', r.tolerance, ' | ', r.detail);
}
`),
  md(String.raw`
## What this means for DeepDIVE

With Gaussian likelihoods of fixed variance $s^2$, $\mathbb{E}_q\log p(x\mid a,b) = -\tfrac{1}{2s^2}\mathbb{E}_q\|x-\hat x\|^2 + \text{const}$
(and likewise for $y$), so *MSE(y) + MSE(x) + KL* is, up to constants and the common scale
$1/2s^2$, $-\mathcal L$: minimising it maximises a bound on $\log p(x,y)$, not an ad-hoc sum.
The bound holds for **any** encoder $q(a,b\mid x)$ — that it sees only $x$, not $y$, costs
tightness (the gap), never validity. Weighting the terms (β, λ ≠ 1) leaves the bound; the
marginal part of the KL is treated in notebooks 02 (E2) and 03 (E3).
`),
]);

const nb02 = notebook('E2: the Naive-Bayes split of the prior KL', [
  md(String.raw`
# 02 — Naive-Bayes disentanglement (E2) and the total-correlation gap

DeepDIVE's prior KL is split into one term for the conditional code $a$ and one term **per
label** for the marginal code $b$ (E2, "loss derived using Naive Bayes" in the paper; the exact
form below is from a secondary reading):

$$\mathrm{KL}\big(q(a,b\mid x)\,\|\,p(a,b)\big) = \mathbb{E}_{q(b\mid x)}\mathrm{KL}\big(q(a\mid x,b)\,\|\,p(a\mid b)\big) + \sum_i \mathrm{KL}\big(q(b_i\mid x)\,\|\,p(b_i)\big)$$

assuming $q(a,b\mid x)=q(a\mid x,b)\,q(b\mid x)$, a factorised prior $p(b)=\prod_i p(b_i)$ and —
the Naive-Bayes assumption — $q(b\mid x)=\prod_i q(b_i\mid x)$. **Our addition** (not in the
paper): without that last assumption the identity misses exactly the *total correlation*
$\mathrm{TC}(q(b\mid x)) = \mathrm{KL}(q(b\mid x)\,\|\,\prod_i q(b_i\mid x))$, the quantity β-TCVAE
penalises — which answers the reviewers' question of how the two relate.

Everything is linear-Gaussian so each term is closed-form (\`lib/theory/naiveBayes.ts\`):
$q(b\mid x)=\mathcal N(m_b,S_b)$, $q(a\mid x,b)=\mathcal N(Ab+e,S_a)$, $p(a\mid b)=\mathcal N(Cb+d,R_a)$, $p(b_i)=\mathcal N(\mu_i,v_i)$.
`),
  code(String.raw`
import { makeRng } from '../dist/lib/util/random';
import { naiveBayesDecomposition, randomFactorisedPosterior, randomFactorisedPrior, jointPosterior, jointPrior, expectedConditionalKl, marginalKls, totalCorrelation, totalCorrelation2d, correlatedCov2d, mcTotalCorrelation } from '../dist/lib/theory/naiveBayes';
import { gaussian, klGaussian } from '../dist/lib/theory/gaussian';
import { diag } from '../dist/lib/theory/linalg';
import { CHECKS, runCheck } from '../dist/lib/theory/checks';
import { lineFigure, show } from '../dist/lib/plot';

const rng = makeRng(42);
const enc = randomFactorisedPosterior(3, 3, rng, false); // correlated q(b|x): dA = 3, dB = 3
const prior = randomFactorisedPrior(3, 3, rng);
console.log('q(b|x) covariance rows:', Array.from({ length: 3 }, (_, i) => Array.from(enc.qb.cov.data.slice(3 * i, 3 * i + 3)).map((v) => v.toFixed(3)).join(' ')).join(' | '));
`),
  md(String.raw`
## Step 1 — chain rule of KL

With $q(a,b)=q(a\mid b)q(b)$ and $p(a,b)=p(a\mid b)p(b)$, the log-ratio splits pointwise,
$\log\frac{q(a,b)}{p(a,b)} = \log\frac{q(a\mid b)}{p(a\mid b)} + \log\frac{q(b)}{p(b)}$, and taking $\mathbb{E}_{q(a,b)}$:

$$\mathrm{KL}(q(a,b)\,\|\,p(a,b)) = \mathbb{E}_{q(b)}\mathrm{KL}(q(a\mid b)\,\|\,p(a\mid b)) + \mathrm{KL}(q(b)\,\|\,p(b)).$$

Check: the left side as a KL between the two joint Gaussians over $[a;b]$; the right side from
the conditional pieces (closed form for $\mathbb{E}_{q(b)}$ of a KL whose means are linear in $b$).
`),
  code(String.raw`
const jointKl = klGaussian(jointPosterior(enc), jointPrior(prior));
const condTerm = expectedConditionalKl(enc, prior);
const klB = klGaussian(enc.qb, gaussian(prior.bMean, diag(prior.bVar)));
console.log('KL(q(a,b|x) || p(a,b))              =', jointKl.toFixed(10));
console.log('E KL(q(a|x,b)||p(a|b)) + KL(q(b)||p(b)) =', (condTerm + klB).toFixed(10));
console.log('error                                =', Math.abs(jointKl - condTerm - klB).toExponential(2));
`),
  md(String.raw`
## Step 2 — a factorised prior on $b$ leaves one term per label, plus TC

With $p(b)=\prod_i p(b_i)$:
$\log\frac{q(b)}{\prod_i p(b_i)} = \log\frac{q(b)}{\prod_i q(b_i)} + \sum_i \log\frac{q(b_i)}{p(b_i)}$, and the
expectation of the $i$-th term involves only the marginal $q(b_i)$, so

$$\mathrm{KL}(q(b)\,\|\,\textstyle\prod_i p(b_i)) = \sum_i \mathrm{KL}(q(b_i)\,\|\,p(b_i)) + \mathrm{TC}(q(b)),\qquad
\mathrm{TC}(\mathcal N(m,\Sigma)) = \tfrac12\big(\textstyle\sum_i\log\Sigma_{ii} - \log\det\Sigma\big).$$
`),
  code(String.raw`
const perLabel = marginalKls(enc, prior);
const tc = totalCorrelation(enc.qb.cov);
const mcTc = mcTotalCorrelation(enc.qb, 20000, makeRng(3));
console.log('KL(q(b)||p(b))            =', klB.toFixed(10));
console.log('sum_i KL(q(b_i)||p(b_i)) + TC =', (perLabel.reduce((s, v) => s + v, 0) + tc).toFixed(10), '  per label:', perLabel.map((v) => v.toFixed(4)).join(', '));
console.log('TC analytic =', tc.toFixed(4), '  Monte Carlo =', mcTc.estimate.toFixed(4), '+/-', mcTc.stdError.toFixed(4));
`),
  md(String.raw`
## Step 3 — Naive Bayes: E2 is exact iff $q(b\mid x)$ factorises

Combining steps 1–2: $\mathrm{KL}(q\|p) = \mathbb{E}_{q(b)}\mathrm{KL}(q(a\mid b)\|p(a\mid b)) + \sum_i\mathrm{KL}(q(b_i)\|p(b_i)) + \mathrm{TC}(q(b\mid x))$.
TC $\ge 0$ with equality iff $q(b\mid x)=\prod_i q(b_i\mid x)$. So the per-label objective is the
exact prior KL under the Naive-Bayes assumption and otherwise **under-states** it by TC.
Check on the correlated encoder above and on a factorised one.
`),
  code(String.raw`
const dec = naiveBayesDecomposition(enc, prior);
console.log('correlated q(b|x):  KL =', dec.jointKl.toFixed(6), '  Naive-Bayes sum =', dec.naiveBayes.toFixed(6), '  gap =', dec.gap.toFixed(6), '  TC =', dec.totalCorrelation.toFixed(6), '  |gap - TC| =', Math.abs(dec.gap - dec.totalCorrelation).toExponential(2));
const encDiag = randomFactorisedPosterior(3, 3, makeRng(5), true);
const decDiag = naiveBayesDecomposition(encDiag, prior);
console.log('factorised q(b|x):  KL =', decDiag.jointKl.toFixed(6), '  Naive-Bayes sum =', decDiag.naiveBayes.toFixed(6), '  gap =', decDiag.gap.toExponential(2));
for (const c of CHECKS.filter((k) => k.equation === 'E2')) {
  const r = runCheck(c, { seed: 1, trials: 12 });
  console.log((r.passed ? 'ok  ' : 'FAIL') + ' ' + r.name.padEnd(34), r.expectation === 'holds' ? 'max error' : 'weakest violation', r.maxError.toExponential(2), ' | ', r.detail);
}
`),
  md(String.raw`
## Step 4 — how large is the gap? TC against correlation

For two labels with correlation $\rho$ in $q(b\mid x)$, $\mathrm{TC} = -\tfrac12\log(1-\rho^2)$: negligible
for $|\rho|<0.3$ (< 0.05 nats), one nat at $|\rho|\approx 0.93$, unbounded as $|\rho|\to1$. The
figure shows the closed form, Monte Carlo estimates, and the measured gap of the Naive-Bayes
split for an encoder whose $q(b\mid x)$ has that correlation (the three coincide).
`),
  code(String.raw`
const rhos = Array.from({ length: 39 }, (_, i) => -0.95 + 0.05 * i); // -0.95 … 0.95
const tcClosed = rhos.map((r) => totalCorrelation2d(r));
const tcMc = rhos.map((r, i) => mcTotalCorrelation(gaussian([0, 0], correlatedCov2d(r, 0.7, 1.5)), 4000, makeRng(100 + i)).estimate);
const nbGap = rhos.map((r) => naiveBayesDecomposition({ ...randomFactorisedPosterior(2, 2, makeRng(9), true), qb: gaussian([0.3, -0.2], correlatedCov2d(r, 0.7, 1.5)) }, randomFactorisedPrior(2, 2, makeRng(11))).gap);
console.log('max |gap - TC| over rho:', Math.max(...rhos.map((_, i) => Math.abs(nbGap[i] - tcClosed[i]))).toExponential(2));
show(lineFigure(rhos, { 'TC = -1/2 log(1 - rho^2)': tcClosed, 'TC, Monte Carlo (4000 draws)': tcMc, 'KL - Naive-Bayes sum (measured)': nbGap },
  { title: 'The Naive-Bayes gap is the total correlation of q(b|x)', xTitle: 'correlation rho of q(b1, b2 | x)', yTitle: 'nats' }));
`),
  md(String.raw`
## DeepDIVE's special case

In the optimised objective the conditional code is encoded from $x$ alone ($A=0$) with prior
$p(a\mid b)=\mathcal N(0,I)$, so the first term is just $\mathrm{KL}(q(a\mid x)\,\|\,\mathcal N(0,I))$ — the
$\beta_a$ term of the loss — and the per-label terms are replaced by cross-entropies (notebook 03).
`),
  md(String.raw`
## TC on learned encoders: the gap DeepDIVE's per-label split ignores

**Per window there is no gap.** Every encoder here outputs a *diagonal* Gaussian
$q(b\mid x)=\mathcal N(\mu(x),\operatorname{diag}\sigma^2(x))$, so $\mathrm{TC}(q(b\mid x))=0$ for every $x$ and
E2's split is exact by construction: the Naive-Bayes assumption is built into the architecture.

**Across windows there can be one.** The code the data set produces is the *aggregate posterior*
$q(b)=\frac1N\sum_n q(b\mid x_n)$. Step 2 applied to it gives
$\mathrm{KL}(q(b)\,\|\,\prod_ip(b_i))=\sum_i\mathrm{KL}(q(b_i)\,\|\,p(b_i))+\mathrm{TC}(q(b))$, and for a diagonal encoder
$\mathrm{TC}(q(b))=\sum_i I(x;b_i)-I(x;b)$: the information the label dims *share*. β-TCVAE penalises
this TC; DeepDIVE's per-label terms (cross-entropies, notebook 03) never see it. How big is it?

**Method** (\`lib/eval/totalCorrelation.ts\`, tested in \`tests/eval/totalCorrelation.test.ts\`):
- *Code.* DeepDIVE: its marginal code $b$ (one dim per label). β-VAE / β-TCVAE have no per-label
  code, so for each label in turn we take the unused $z$ dim with the highest mutual information
  with that label (20 equal-width bins): the same number of dims, chosen to play the role of $b_i$.
- *Means only.* Models' \`predict\` returns posterior **means**, not $\log\sigma^2$, so we measure the TC of
  the *mean representation* (Locatello et al. 2019): each training window's $\mu$ with a Gaussian
  kernel of Scott bandwidth. Given per-window variances, the same functions measure $q(b)$ itself.
- *Estimators.* **MWS** (β-TCVAE's minibatch-weighted sampling, Chen et al. 2018) with the whole training
  set as the batch, i.e. exact log-sum-exps over all $N$ kernels; **Gaussian**: $-\frac12\log\det\operatorname{corr}(\Sigma_{\rm agg})$,
  $\Sigma_{\rm agg}=\operatorname{Cov}(\mu)+h^2$ (second-order dependence only). **Floor**: MWS on the same codes with
  each column shuffled independently (true TC 0): the estimator's finite-$N$ bias.
- *Reference.* The labels (regime, frequency bin) are drawn independently per segment, but the split
  has few segments, so the labels themselves have a small plug-in TC (mutual information): roughly
  what a code that recovered both labels exactly would inherit.

Small models on the synthetic data (a few epochs; \`DIVE_QUICK=1\` goes smaller). Not a benchmark.
`),
  code(String.raw`
import { prepareData } from '../dist/lib/data/prepare';
import { subsetWindows } from '../dist/lib/experiments/execute';
import { createModel } from '../dist/lib/models/factory';
import { dataInfoOf } from '../dist/lib/train/batches';
import { DEFAULT_TRAIN, train } from '../dist/lib/train/trainer';
import { predictSplit } from '../dist/lib/train/predict';
import { initBackend } from '../dist/lib/backend/select';
import { labelCode, meanRepresentationCodes, aggregateTotalCorrelation, discreteTotalCorrelation, equivalentCorrelation } from '../dist/lib/eval';
import { showTable } from '../dist/lib/plot';

const QUICK = process.env.DIVE_QUICK === '1';
const backend = await initBackend();
const synth = prepareData('synthetic', { seed: 0 });
const data = { ...synth, train: subsetWindows(synth.train, QUICK ? 192 : 640, 1), val: subsetWindows(synth.val, QUICK ? 32 : 92, 2) };
const info = dataInfoOf(data);
const classes = info.labels.map((l) => l.classes);
const width = QUICK ? 16 : 32;
const small = { trunk: { hidden: width }, decoderHidden: width, forecasterHidden: width };
const zDim = 4 + classes.length; // β-VAEs get DeepDIVE's |a| + |b|
const configs = { deepdive: { ...small, aDim: 4 }, 'beta-tcvae': { ...small, zDim }, 'beta-vae': { ...small, zDim } };
console.log(\`backend \${backend.active}; \${data.train.count} training windows; labels \${info.labels.map((l) => l.name).join(', ')}\`);
`),
  code(String.raw`
const learned = [];
let windowLabels = [];
for (const [name, config] of Object.entries(configs)) {
  const model = createModel(name, { ...config, seed: 0 }, info);
  const fit = await train(model, data, { ...DEFAULT_TRAIN, epochs: QUICK ? 2 : 6, batchSize: 32, seed: 0, conflictEvery: 0 });
  const out = predictSplit(model, data.train); // q(b) aggregates the TRAINING windows
  model.dispose();
  const code = labelCode(out, classes);
  learned.push({ name, code, seconds: fit.seconds, report: aggregateTotalCorrelation(meanRepresentationCodes(code.values, code.dim), { seed: 0 }) });
  windowLabels = out.labels;
}
const labelsTc = discreteTotalCorrelation(windowLabels, classes);
const f3 = (v: number) => v.toFixed(3);
showTable({
  columns: ['code', 'I(code_i; label_i)', 'TC, MWS ± s.e.', 'MWS floor', 'TC, Gaussian', 'Σ_i I(x; b_i)', 'shared fraction', '|ρ| equivalent', 'train s'],
  index: learned.map((r) => r.name),
  values: learned.map(({ code, report: t, seconds }) => [
    code.source === 'b' ? 'b (marginal code)' : \`z dims \${code.columns!.join(', ')}\`, code.labelMi.map(f3).join(', '),
    \`\${f3(t.mws.tc)} ± \${f3(t.mws.tcStdError)}\`, f3(t.mwsFloor.tc), f3(t.gaussian), f3(t.mws.dimMi.reduce((a, b) => a + b, 0)),
    f3(t.sharedFraction), f3(equivalentCorrelation(Math.max(0, t.mws.tc - t.mwsFloor.tc))), seconds.toFixed(1),
  ]),
}, { caption: \`TC (nats) of the mean representation of the per-label code over \${data.train.count} training windows; labels' own TC = \${f3(labelsTc)}. |ρ| equivalent: the Gaussian correlation with TC = MWS − floor.\` });
`),
  code(String.raw`
const names = learned.map((r) => (r.code.source === 'b' ? \`\${r.name}: b\` : \`\${r.name}: z\${r.code.columns!.join(',z')}\`));
show({
  data: [
    { type: 'bar', name: 'MWS (± 2 s.e.)', x: names, y: learned.map((r) => r.report.mws.tc), error_y: { type: 'data', array: learned.map((r) => 2 * r.report.mws.tcStdError) } },
    { type: 'bar', name: 'MWS floor (shuffled columns, true TC 0)', x: names, y: learned.map((r) => r.report.mwsFloor.tc) },
    { type: 'bar', name: 'Gaussian −½ log det corr', x: names, y: learned.map((r) => r.report.gaussian) },
    { type: 'scatter', mode: 'lines', name: "labels' own TC", x: names, y: names.map(() => labelsTc), line: { dash: 'dash', color: '#444' } },
  ],
  layout: { barmode: 'group', title: { text: 'Aggregate TC of the per-label code: the Naive-Bayes gap left unpenalised' }, yaxis: { title: { text: 'nats' } }, margin: { t: 50, r: 20 } },
});
`),
  md(String.raw`
### Reading the numbers (default mode, seed 0, at the time of writing: tiny models, a sketch, not a result)

- **DeepDIVE leaves a small gap unpenalised.** Its label dims $b$ share about **0.10 nats** (MWS),
  of which about 0.03 is the estimator's floor. The excess, ~0.07 nats, is the TC of a Gaussian pair
  with correlation ≈ 0.37: small next to step 4's scale (one nat needs $|\rho|\approx0.93$), and
  about 5 % of the information the two dims carry (the "shared fraction"). It is well above the
  labels' own TC (≈ 0.01), so it is not inherited from the data split; the per-label
  cross-entropies just do not see it. The Gaussian estimate (≈ 0.03) is lower: the dependence is
  mostly not a linear trend but in how the RBF clusters of the two labels co-occur.
- **The β-VAE baselines are weak references here.** The β-TCVAE's picked dims have the lowest TC,
  as its TC penalty would suggest, and the β-VAE's about DeepDIVE's, but the two picked $z$ dims carry
  little label information (≈ 0.1 nats, the first column) while DeepDIVE's frequency dim carries
  ≈ 0.9. Which $z$ dims get picked, and the ordering of the baselines, changes with the seed (set both
  \`seed: 0\` of the training cell to 1 to see); we would not rank them on this.
- **Caveats.** Mean representation, not the full $q(b)$ (the models do not expose $\log\sigma^2$);
  with a kernel bandwidth, MWS estimates the TC of a smoothed density of the means, and
  $\sum_i I(x;b_i)$ depends on that bandwidth; the floor shows the bias at this $N$. What holds
  regardless: for diagonal encoders E2 is exact per window, and the only thing the Naive-Bayes split
  can miss is this aggregate TC, which the functions above measure on any trained model.
`),
]);

// ---------------------------------------------------------------------------------------------
const nb03 = notebook('E3: the log-concave mixture KL and its cross-entropy bound', [
  md(String.raw`
# 03 — The mixture-prior KL and its cross-entropy bound (E3)

One marginal dimension $b$ with label $y\in\{1..K\}$ has a mixture prior $p(b)=\sum_k\pi_k p_k(b)$
(one component per class), and the encoder gives $q(b\mid x)=\mathcal N(m,\sigma^2)$. The RBF
layer's softmax is the posterior over classes, $r_k(b) = \pi_k p_k(b)/p(b)$, and its cross-entropy
is $\mathrm{CE}(b,y) = -\log r_y(b)$. The paper's abstract says a KL to a *log-concave* mixture
is bounded by a cross-entropy; DeepDIVE then **replaces the marginal KL by $\sum_i \mathrm{CE}_i$**.

**Provenance.** The theorem text is not available to us. The identity and bound below are
**our reconstruction**, consistent with the abstract; what log-concavity adds (steps 3–5) is
also our analysis. We check every claim numerically, including where it is loose and where it
**fails** for a component that is not log-concave. Components: Gaussian, Laplace, logistic
(log-concave) and the **Cauchy control** (Student-t with ν = 1: symmetric and unimodal, but
heavy-tailed, $\log p$ not concave) — chosen so that any failure is due to the tails, not to
multimodality. Code: \`lib/theory/mixtureKl.ts\` (quadrature: adaptive Gauss–Kronrod, ~1e-13).
`),
  code(String.raw`
import { makeRng } from '../dist/lib/util/random';
import { COMPONENT_FAMILIES, LOG_CONCAVE, locationMixture, mixture, mixtureLogPdf, componentLogPdf, crossEntropy, mixtureKlDecomposition, mcKlToMixture, decisionRegions, boundAlongMean, minSecondDifference } from '../dist/lib/theory/mixtureKl';
import { densityCurves, objectiveCurves, minimisers, gapVsSeparation, linspace } from '../dist/lib/theory/explore';
import { CHECKS, runCheck } from '../dist/lib/theory/checks';
import { lineFigure, panelAxes, sliderFigure, show } from '../dist/lib/plot';

const QUICK = process.env.DIVE_QUICK === '1';
const weights = [0.3, 0.45, 0.25];
const mix = (family: any, d: number) => locationMixture(family, [-d, 0, d], weights, 1); // common scale 1
const y = 1; // the label: the middle class
console.log('families:', COMPONENT_FAMILIES.map((f) => f + (LOG_CONCAVE[f] ? ' (log-concave)' : ' (NOT log-concave)')).join(', '));
`),
  md(String.raw`
## Step 1 — Bayes' rule for the mixture, pointwise

From $r_y(b) = \pi_y p_y(b)/p(b)$: $\;\log p(b) = \log\pi_y + \log p_y(b) + \mathrm{CE}(b,y)$, for every $b$
and **any** components. Check at many points for every family.
`),
  code(String.raw`
for (const fam of COMPONENT_FAMILIES) {
  const p = mix(fam, 1.5);
  let worst = 0;
  for (const b of linspace(-8, 8, 161)) worst = Math.max(worst, Math.abs(mixtureLogPdf(p, b) - (Math.log(weights[y]) + componentLogPdf(p.components[y], b) + crossEntropy(p, b, y))));
  console.log(fam.padEnd(9), 'max |log p(b) - (log pi_y + log p_y(b) + CE(b,y))| =', worst.toExponential(2));
}
`),
  md(String.raw`
## Step 2 — the exact identity and the bound

Take $\mathbb{E}_q$ of $-\log p(b)$ and add $\mathbb{E}_q\log q$:

$$\mathrm{KL}(q\,\|\,p) = \mathrm{KL}(q\,\|\,p_y) - \log\pi_y - \mathbb{E}_q[\mathrm{CE}(b,y)] \;\le\; \underbrace{\mathrm{KL}(q\,\|\,p_y) - \log\pi_y}_{U_y(q)}$$

since $\mathrm{CE}\ge0$. The gap is exactly $\mathbb{E}_q[\mathrm{CE}]$. **Note: this bound needs nothing
about the components** — it holds for the Cauchy control too. Check: KL by direct quadrature of
$q\log(q/p)$ and by Monte Carlo; $\mathrm{KL}(q\|p_y)$ closed-form for Gaussian and Laplace.
`),
  code(String.raw`
const qx = { mean: 0.4, sd: 0.6 };
for (const fam of COMPONENT_FAMILIES) {
  const p = mix(fam, 1.5);
  const d = mixtureKlDecomposition(qx, p, y);
  const mc = mcKlToMixture(qx, p, 20000, makeRng(1));
  console.log(fam.padEnd(9), 'KL', d.kl.toFixed(6), '| MC', mc.estimate.toFixed(4), '+/-', mc.stdError.toFixed(4), '| identity error', d.relError.toExponential(1), '| bound', d.bound.toFixed(4), '| gap = E CE', d.expectedCe.toFixed(4));
}
`),
  md(String.raw`
## Step 3 — what log-concavity buys (a): one cluster per class

Since the bound holds for any mixture, log-concavity must matter elsewhere. For a location
family with common scale, $p_k(b)=f(b-\mu_k)$, the classical result (Karlin; Pólya frequency of
order 2) is: **$f$ is log-concave $\iff$ every likelihood ratio $p_j(b)/p_k(b)$, $\mu_j>\mu_k$, is
non-decreasing in $b$.** Then each set $\{b: r_k(b)\ge r_j(b)\}$ is a half-line, their intersection
is an interval, and **each class wins exactly one interval of $b$** — the "one RBF cluster per
class" picture. For the Cauchy control the ratios tend to 1 in both tails, so $r_k\to\pi_k$ there
and the heaviest class wins *both* tails. The same failure appears for Gaussian RBFs with
**unequal widths** (the architecture's learnable log-widths): the wider class reclaims both tails.
`),
  code(String.raw`
for (const fam of COMPONENT_FAMILIES) console.log(fam.padEnd(9), 'intervals won per class (centres -4, 0, 4):', decisionRegions(mix(fam, 4)).join(', '));
console.log('gaussian, widths 1 and 3: intervals won per class:', decisionRegions(mixture([0.5, 0.5], [{ family: 'gaussian', loc: 0, scale: 1 }, { family: 'gaussian', loc: 2, scale: 3 }])).join(', '));
for (const name of ['e3-one-cluster-per-class-logconcave', 'e3-one-cluster-fails-cauchy', 'e3-one-cluster-fails-unequal-widths']) {
  const r = runCheck(CHECKS.find((c) => c.name === name), { seed: 1, trials: 12 });
  console.log((r.passed ? 'ok  ' : 'FAIL') + ' ' + name, '|', r.detail);
}
`),
  md(String.raw`
The slider moves the centre separation $d$ (centres $-d, 0, d$, weights 0.3 / 0.45 / 0.25).
Left: Gaussian RBFs; right: Cauchy. Solid lines are the responsibilities $r_k(b)$, dashed the
mixture density. The labelled middle class (red) is also the heaviest (0.45): under Cauchy it
wins back both far tails once the classes separate; under Gaussian RBFs it never does.
`),
  code(String.raw`
const bGrid = linspace(-25, 25, 251);
const colors = ['#1f77b4', '#d62728', '#2ca02c'];
const seps = QUICK ? [1, 4] : [0.5, 1, 1.5, 2, 3, 4, 6, 8];
const respFrames = seps.map((d) => {
  const traces: any[] = [];
  ['gaussian', 'cauchy'].forEach((fam, panel) => {
    const c = densityCurves(mix(fam, d), bGrid);
    c.responsibilities.forEach((r, k) => traces.push({ type: 'scatter', mode: 'lines', x: bGrid, y: r, name: 'r_' + k + ' (class ' + k + ')', line: { color: colors[k] }, ...panelAxes(panel) }));
    traces.push({ type: 'scatter', mode: 'lines', x: bGrid, y: c.mixture, name: 'p(b)', line: { color: 'black', dash: 'dash' }, ...panelAxes(panel) });
  });
  return { label: 'd=' + d, traces };
});
show(sliderFigure(respFrames, { title: 'RBF softmax r_k(b): Gaussian (left) vs Cauchy control (right)', prefix: 'separation ', active: QUICK ? 1 : 5, columns: 2, height: 420 }));
`),
  md(String.raw`
## Step 4 — (b) the bound is convex in $q$'s mean, minimised at the mode

$U_y(m) = -H(q) - \mathbb{E}_{b\sim\mathcal N(m,\sigma^2)}[\log p_y(b)] - \log\pi_y$. The expectation is a Gaussian
smoothing of $\log p_y$; smoothing a concave function keeps it concave, so **for log-concave
$p_y$, $U_y$ is convex in $m$** (any gradient method finds its minimum) and for symmetric $p_y$ the
minimum is at the centre $\mu_y$. For Cauchy $U_y$ is still minimised at the centre but is
**not convex**: $U_y''(m)\approx -2/m^2<0$ far out and its gradient vanishes like $2/|m|$.
`),
  code(String.raw`
const mGrid = linspace(-8, 8, 81);
const uCurves: Record<string, number[]> = {};
for (const fam of COMPONENT_FAMILIES) {
  const u = boundAlongMean(mix(fam, 3), y, 0.5, mGrid);
  const umin = Math.min(...u);
  uCurves[fam + (LOG_CONCAVE[fam] ? '' : ' (control)')] = u.map((v) => v - umin);
  console.log(fam.padEnd(9), 'argmin over the grid:', mGrid[u.indexOf(umin)].toFixed(2), '  smallest second difference U\'\':', minSecondDifference(u, mGrid[1] - mGrid[0]).toExponential(2));
}
const uFig = lineFigure(mGrid, uCurves, { title: 'Bound U_y(m) - min, sigma = 0.5, scale 1', xTitle: 'mean m of q(b|x)', yTitle: 'nats' });
show(uFig);
`),
  md(String.raw`
## Step 5 — (c) when is the bound tight? Gap vs separation

At $q$ centred on $\mu_y$ the gap $\mathbb{E}_q[\mathrm{CE}]\approx\sum_{k\ne y}\frac{\pi_k}{\pi_y}\,\mathbb{E}_q\frac{p_k(b)}{p_y(b)}$ once classes separate.
Log-concave densities have at least exponentially decaying tails, so the gap vanishes
**exponentially** in the separation ($e^{-d^2/2}$ Gaussian, $\sim e^{-d}$ Laplace/logistic). For
Cauchy $p_k(\mu_y)/p_y(\mu_y) = 1/(1+d^2)$: the gap decays only like $1/d^2$. At **overlapping**
centres the bound is loose for *every* family — log-concavity does not make it tight.
`),
  code(String.raw`
const dGrid = linspace(0.25, 30, QUICK ? 20 : 60);
const gaps: Record<string, number[]> = {};
for (const fam of COMPONENT_FAMILIES) gaps[fam] = gapVsSeparation(fam, dGrid, weights, 0.5).map((g) => Math.max(g, 1e-300));
for (const fam of COMPONENT_FAMILIES) console.log(fam.padEnd(9), 'gap at d=0.5:', gapVsSeparation(fam, [0.5], weights, 0.5)[0].toFixed(4), ' d=10:', gapVsSeparation(fam, [10], weights, 0.5)[0].toExponential(2), ' d=30:', gapVsSeparation(fam, [30], weights, 0.5)[0].toExponential(2));
const gapFig = lineFigure(dGrid, gaps, { title: 'Bound gap E_q[CE] at q = N(mu_y, 0.5^2)', xTitle: 'separation d (units of the common scale)', yTitle: 'gap (nats, log scale)' });
gapFig.layout.yaxis = { ...(gapFig.layout.yaxis || {}), type: 'log', range: [-20, 1] };
show(gapFig);
`),
  md(String.raw`
## Step 6 — (d) what training on CE does: three minimisers over $q$'s mean

DeepDIVE trains $b$ with $\mathbb{E}_q[\mathrm{CE}]$ (the RBF classifier), not with the bound. The
identity says $\mathbb{E}_q[\mathrm{CE}] = U_y - \mathrm{KL}(q\|p)$, so CE *alone* is not the bound. For
equal-width Gaussian RBFs the CE is a log-sum-exp of affine functions of $b$, hence convex, and
(middle class) its pointwise minimiser is where $r_L=r_R$, i.e. exactly $\mu_y + \frac{s^2}{2d}\log\frac{\pi_L}{\pi_R}$
(approximately so over $q$'s mean for small $\sigma$): it
approaches the mode $\mu_y$ (the bound's minimiser) like $1/d$ as centres separate and moves
away from the heavier neighbour as they overlap. The true KL's minimiser does not depend on the
label at all (here the labelled class is also the heaviest, so it sits near 0 too). The slider
changes $\sigma$, the width of $q$.
`),
  code(String.raw`
const sds = QUICK ? [0.2] : [0.1, 0.2, 0.5, 1];
const dMin = QUICK ? [2, 6] : [1, 1.5, 2, 3, 4, 6, 8];
const minFrames = sds.map((sd) => {
  const rows = dMin.map((d) => minimisers(mix('gaussian', d), y, sd, -d, d));
  const traces: any[] = [
    { type: 'scatter', mode: 'lines+markers', x: dMin, y: rows.map((r) => r.bound), name: 'argmin bound U_y (mode)' },
    { type: 'scatter', mode: 'lines+markers', x: dMin, y: rows.map((r) => r.expectedCe), name: 'argmin E_q[CE]' },
    { type: 'scatter', mode: 'lines+markers', x: dMin, y: rows.map((r) => r.kl), name: 'argmin true KL(q||p)' },
    { type: 'scatter', mode: 'lines', x: dMin, y: dMin.map((d) => Math.log(weights[0] / weights[2]) / (2 * d)), name: 'log(pi_L/pi_R)/(2d)', line: { dash: 'dot', color: 'gray' } },
  ];
  return { label: 'sigma=' + sd, traces };
});
for (const [i, d] of dMin.entries()) {
  const r = minimisers(mix('gaussian', d), y, sds[0], -d, d);
  console.log('sigma', sds[0], 'd', d, ': argmin bound', r.bound.toFixed(4), ' argmin E[CE]', r.expectedCe.toFixed(4), ' predicted', (Math.log(weights[0] / weights[2]) / (2 * d)).toFixed(4), ' argmin KL', r.kl.toFixed(4));
}
const minFig = sliderFigure(minFrames, { title: 'Where each objective puts q\'s mean (Gaussian RBFs, label = middle class at 0)', xTitle: 'separation d', yTitle: 'minimising mean m*', prefix: 'width of q: ', active: QUICK ? 0 : 1 });
show(minFig);
const r6 = runCheck(CHECKS.find((c) => c.name === 'e3-ce-minimiser-approaches-mode'), { seed: 1, trials: 6 });
console.log((r6.passed ? 'ok  ' : 'FAIL') + ' e3-ce-minimiser-approaches-mode |', r6.detail);
`),
  md(String.raw`
The last slider shows the three objectives as functions of $q$'s mean at fixed $\sigma=0.3$, over
separation, for Gaussian RBFs (left) and the Cauchy control (right): the bound (blue) is the
sum of the true KL (green) and the CE gap (red) at every point.
`),
  code(String.raw`
const mObj = linspace(-8, 8, QUICK ? 21 : 49);
const objFrames = (QUICK ? [2] : [0.5, 1, 2, 3, 5]).map((d) => {
  const traces: any[] = [];
  ['gaussian', 'cauchy'].forEach((fam, panel) => {
    const c = objectiveCurves(mix(fam, d), y, 0.3, mObj);
    const ax = panelAxes(panel);
    traces.push({ type: 'scatter', mode: 'lines', x: mObj, y: c.bound, name: 'bound U_y', line: { color: '#1f77b4' }, ...ax });
    traces.push({ type: 'scatter', mode: 'lines', x: mObj, y: c.kl, name: 'KL(q||p)', line: { color: '#2ca02c' }, ...ax });
    traces.push({ type: 'scatter', mode: 'lines', x: mObj, y: c.expectedCe, name: 'E_q[CE]', line: { color: '#d62728' }, ...ax });
  });
  return { label: 'd=' + d, traces };
});
show(sliderFigure(objFrames, { title: 'Objectives vs mean of q: Gaussian RBFs (left), Cauchy control (right)', prefix: 'separation ', active: QUICK ? 0 : 2, columns: 2, height: 420 }));
`),
  md(String.raw`
## Summary — what "a log-concave mixture KL is bounded by a cross-entropy" can honestly mean

| claim | status here |
|---|---|
| $\mathrm{KL}(q\|p) = \mathrm{KL}(q\|p_y) - \log\pi_y - \mathbb{E}_q\mathrm{CE}$ | exact, **any** components (checked to 1e-13) |
| $\mathrm{KL}(q\|p) \le \mathrm{KL}(q\|p_y) - \log\pi_y$ | holds for **any** components; log-concavity not needed |
| one cluster per class under the RBF softmax | holds for common-scale log-concave components; **fails** for Cauchy and for unequal widths |
| bound convex in $q$'s mean, minimised at the mode | holds for symmetric log-concave $p_y$; Cauchy: minimum still at the centre but **not convex** |
| bound tight for separated classes | gap $\to0$ exponentially (log-concave), only $\sim1/d^2$ (Cauchy); **loose for all** at overlap |
| training on CE ≈ minimising the bound | only asymptotically: the CE minimiser tends to the mode like $1/d$ (equal-width Gaussian RBFs) |

So the honest reading: the *bound* is universal; log-concavity is what makes the class-wise
picture (intervals, a convex bound with its minimum at the class centre, a bound that becomes
tight quickly as classes separate) true. All of it is \`dive theory check\`.
`),
  code(String.raw`
for (const c of CHECKS.filter((k) => k.equation === 'E3')) {
  const r = runCheck(c, { seed: 1, trials: QUICK ? 4 : 8 });
  console.log((r.passed ? 'ok  ' : 'FAIL') + ' ' + r.name.padEnd(38), r.expectation.padEnd(18), r.maxError.toExponential(2));
}
`),
]);

const outDir = path.join(__dirname, '..');
for (const [name, nb] of [['01-elbo-decomposition.ipynb', nb01], ['02-naive-bayes-disentanglement.ipynb', nb02], ['03-log-concave-mixture-kl-bound.ipynb', nb03]]) {
  fs.writeFileSync(path.join(outDir, name), `${JSON.stringify(nb, null, 1)}\n`);
  console.log(`wrote notebooks/${name}`);
}
