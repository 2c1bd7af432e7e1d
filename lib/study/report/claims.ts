/**
 * The claims table: each claim of the paper as one tested hypothesis, computed from the run
 * records of a reproduction with the paired statistics of lib/eval/paired (docs/statistics.md;
 * method in docs/results.md §Claims). Pure function of (plan inputs, records), like the tables.
 *
 * Kinds of claim
 * - superiority ("A forecasts better than B"): metric of A and B paired by seed, d_s = a_s − b_s;
 *   `pairedClaim` gives the bootstrap 95 % CI of mean(d), the one-sided Wilcoxon signed-rank
 *   p-value over seeds and — for forecast claims — the one-sided Diebold–Mariano p-value on the
 *   per-window squared errors in original units, **pooled over seeds** (window t's loss is the
 *   mean over the paired seeds of that window's loss, so DM asks whether the seed-averaged
 *   models differ on these test windows; Wilcoxon asks whether the difference replicates over
 *   seeds). The combined p is the larger of the two (intersection–union test).
 * - non-inferiority ("A is comparable to reference B"): with margin δ = NONINFERIORITY_MARGIN ×
 *   mean(b), the claim is mean(a − b) < δ, tested as a superiority claim on a − δ vs b (CI and
 *   Wilcoxon; no DM — a margin has no per-window form). Supported: A is at most δ worse (the CI
 *   of a − b lies below +δ and the test rejects); contradicted: A is worse by more than δ.
 * - sign ("under joint training the forecast and CE gradients conflict"): the one-sample version,
 *   b = 0, direction 'less' (mean cosine < 0).
 * All p-values of the table are Holm-adjusted as one family (claimed directions) and another
 * (opposite directions) by `judgeClaims`, and the verdict rule of claim.ts is applied to the
 * adjusted values: supported / contradicted / inconclusive at this power. Rows with fewer than 2
 * paired seeds (the quick protocol) report the single difference and the DM p-value only, are
 * left out of the Holm family and are inconclusive by construction.
 *
 * Power: `seedsForPower` is the number of seeds a paired t-test needs for 80 % power against
 * the observed d_z; the paper column does the same for the paper's effect. The paper gives two
 * means without a spread, so we assume (stated in every table) that its effect, as a relative
 * difference (a − b)/b of its means, carries over to our scale as Δ = rel × mean(b_ours), with
 * the spread of our paired differences: d_z = |Δ| / sd(d_ours).
 */
import { datasetInfo } from '../../data/registry';
import { dci } from '../../eval/disentanglement';
import { makeRng, permutation } from '../../util/random';
import { mean, sampleStd } from '../../eval/stats';
import { dieboldMariano, judgeClaims, pairedClaim, seedsNeeded, type ClaimDirection, type PairedClaimResult, type Verdict } from '../../eval/paired';
import type { ExperimentName } from '../spec/definitions';
import { PAPER_ELECTRICITY, PAPER_GAIT } from '../spec/paper';
import { cellRunIds, type PlanInputs } from '../run/plan';
import type { MetricKey, RunRecord, Variant } from '../spec/types';

/** δ of the non-inferiority claims, relative to the reference's mean RRSE. */
export const NONINFERIORITY_MARGIN = 0.025;

export type ClaimKind = 'superiority' | 'non-inferiority' | 'sign';

export interface ClaimSpec {
  readonly key: string;
  /** The claim in words (the paper's, or its premise). */
  readonly claim: string;
  /** The experiment whose runs the claim reads (it is "not run" when that one is not selected). */
  readonly experiment: ExperimentName;
  readonly kind: ClaimKind;
  readonly a: Variant;
  /** Absent for a sign claim (compared with 0). */
  readonly b?: Variant;
  /** A record metric, or 'dci' (computed from the record's figure artifacts, `dciOfRecord`). */
  readonly metric: MetricKey | 'dci';
  /** 'less': the claim is mean(a − b) < 0. */
  readonly direction: ClaimDirection;
  /** Add the Diebold–Mariano test on per-window forecast errors. */
  readonly dm: boolean;
  /** The paper's two means (A, B), for the power column. */
  readonly paper?: { readonly a: number; readonly b: number };
}

const gait = (model: string, extra: Partial<Variant> = {}): Variant => ({ model, family: 'gait', ...extra });
const elec = (model: string): Variant => ({ model, family: 'electricity', horizon: 24 });

/** Every claim of the table, in order. */
export function claimSpecs(): ClaimSpec[] {
  const fr = 'forecastRrse' as const;
  const ref = (model: string, name: string): ClaimSpec => ({
    key: `comparable-${model}`, claim: `DeepDIVE forecasts comparably to the ${name} reference (not worse by more than ${NONINFERIORITY_MARGIN * 100} % of its RRSE)`,
    experiment: 'electricity', kind: 'non-inferiority', a: elec('deepdive'), b: elec(model), metric: fr, direction: 'less', dm: false,
  });
  return [
    { key: 'vs-conditional-gait', claim: 'DeepDIVE forecasts better than its conditional-only ablation (a only)', experiment: 'gait', kind: 'superiority', a: gait('deepdive'), b: gait('deepdive-a'), metric: fr, direction: 'less', dm: true, paper: { a: PAPER_GAIT.deepdive.forecastRrse.value, b: PAPER_GAIT['deepdive-a'].forecastRrse.value } },
    { key: 'vs-conditional-electricity', claim: 'DeepDIVE forecasts better than its conditional-only ablation (a only)', experiment: 'electricity', kind: 'superiority', a: elec('deepdive'), b: elec('deepdive-a'), metric: fr, direction: 'less', dm: true, paper: { a: PAPER_ELECTRICITY.deepdive.forecastRrse.value, b: PAPER_ELECTRICITY['deepdive-a'].forecastRrse.value } },
    { key: 'vs-tcvae-gait', claim: 'DeepDIVE forecasts better than β-TCVAE', experiment: 'gait', kind: 'superiority', a: gait('deepdive'), b: gait('beta-tcvae'), metric: fr, direction: 'less', dm: true, paper: { a: PAPER_GAIT.deepdive.forecastRrse.value, b: PAPER_GAIT['beta-tcvae'].forecastRrse.value } },
    { key: 'vs-tcvae-electricity', claim: 'DeepDIVE forecasts better than β-TCVAE', experiment: 'electricity', kind: 'superiority', a: elec('deepdive'), b: elec('beta-tcvae'), metric: fr, direction: 'less', dm: true, paper: { a: PAPER_ELECTRICITY.deepdive.forecastRrse.value, b: PAPER_ELECTRICITY['beta-tcvae'].forecastRrse.value } },
    ref('linear', 'linear (DLinear-style)'),
    ref('seasonal-naive', 'tuned seasonal-naive / persistence'),
    ref('gru', 'GRU'),
    { key: 'disentangles-mig', claim: 'DeepDIVE disentangles better than β-TCVAE (higher MIG)', experiment: 'gait', kind: 'superiority', a: gait('deepdive'), b: gait('beta-tcvae'), metric: 'mig', direction: 'greater', dm: false, paper: { a: PAPER_GAIT.deepdive.mig.value, b: PAPER_GAIT['beta-tcvae'].mig.value } },
    { key: 'disentangles-dci', claim: 'DeepDIVE disentangles better than β-TCVAE (higher DCI disentanglement)', experiment: 'gait', kind: 'superiority', a: gait('deepdive'), b: gait('beta-tcvae'), metric: 'dci', direction: 'greater', dm: false },
    { key: 'interleave-vs-joint', claim: 'Interleaved training forecasts better than joint training', experiment: 'ablation-training', kind: 'superiority', a: gait('deepdive'), b: gait('deepdive', { mode: 'joint' }), metric: fr, direction: 'less', dm: true },
    { key: 'attention-vs-concat', claim: 'Cross-attention fusion forecasts better than concatenation', experiment: 'ablation-fusion', kind: 'superiority', a: gait('deepdive'), b: gait('deepdive-concat'), metric: fr, direction: 'less', dm: true },
    { key: 'gradient-conflict', claim: 'Joint training has conflicting gradients, which interleaving removes (mean cos(∇forecast, ∇CE) on the trunk < 0 under joint training)', experiment: 'ablation-training', kind: 'sign', a: gait('deepdive', { mode: 'joint' }), metric: 'gradientCosine', direction: 'less', dm: false },
  ];
}

/** One row of the claims table. */
export interface ClaimRow {
  readonly key: string;
  readonly claim: string;
  readonly kind: ClaimKind;
  readonly data: string;
  /** "deepdive − deepdive-a, forecastRrse (lower is better)" */
  readonly comparison: string;
  /** Paired seeds with both values. */
  readonly n: number;
  /** mean(a − b) (sign claims: mean(a)). */
  readonly effect: number | null;
  /** 95 % bootstrap CI of the effect (n ≥ 2). */
  readonly ci95: readonly [number, number] | null;
  readonly pWilcoxon: number | null;
  readonly pDm: number | null;
  /** max(Wilcoxon, DM) in the claimed direction, before Holm. */
  readonly pCombined: number | null;
  readonly pHolm: number | null;
  /**
   * 'inconclusive (budget)': some of the row's runs hit their epoch cap (metric `converged` = 0),
   * so the comparison is between budget-limited runs, whatever the test says.
   */
  readonly verdict: Verdict | 'not run' | 'inconclusive (budget)';
  /** Runs of the row (either side) that hit the epoch cap instead of stopping early. */
  readonly capped: number;
  readonly dz: number | null;
  readonly seedsForObserved: number | null;
  readonly seedsForPaper: number | null;
  readonly paper: { readonly a: number; readonly b: number } | null;
  /** Absolute δ of a non-inferiority claim. */
  readonly margin: number | null;
  readonly note: string;
}

export interface ClaimsTable {
  readonly rows: readonly ClaimRow[];
  /** True unless the protocol is the full one: verdicts are smoke tests, not estimates. */
  readonly smokeTest: boolean;
  readonly markdown: string;
  readonly csv: string;
}

interface Pair {
  readonly a: number[];
  readonly b: number[];
  readonly recA: RunRecord[];
  readonly recB: RunRecord[];
}

/**
 * DCI disentanglement (lib/eval/disentanglement/dci.ts, linear probes) of a run's latent means
 * [μ_a ‖ μ_b] against the window labels, recomputed from the record's figure artifacts (up to
 * `figurePoints` evenly spaced test windows, 4 significant digits): a seeded third of the points
 * scores the probes fitted on the rest. Null without a latent of ≥ 2 dims, labels or enough points.
 */
export function dciOfRecord(rec: RunRecord): number | null {
  const art = rec.artifacts;
  if (!art || art.labels.length === 0) return null;
  const parts = [art.latentA, art.latentB].filter((l): l is NonNullable<typeof l> => l !== undefined && l.dims > 0);
  const dims = parts.reduce((s, l) => s + l.dims, 0);
  const n = art.labels[0].ids.length;
  if (dims < 2 || n < 12) return null;
  const K = art.labels.length;
  const order = permutation(n, makeRng(0));
  const nTest = Math.floor(n / 3);
  const sample = (rows: ArrayLike<number>): { codes: Float64Array; codeDims: number; factors: Int32Array; numFactors: number } => {
    const codes = new Float64Array(rows.length * dims);
    const factors = new Int32Array(rows.length * K);
    for (let i = 0; i < rows.length; i++) {
      const w = rows[i];
      let o = i * dims;
      for (const l of parts) for (let j = 0; j < l.dims; j++) codes[o++] = l.values[w * l.dims + j];
      for (let k = 0; k < K; k++) factors[i * K + k] = art.labels[k].ids[w];
    }
    return { codes, codeDims: dims, factors, numFactors: K };
  };
  try {
    return dci(sample(order.subarray(nTest)), sample(order.subarray(0, nTest))).disentanglement;
  } catch {
    return null; // e.g. a label constant on the kept windows
  }
}

function metricOf(rec: RunRecord, metric: ClaimSpec['metric']): number | null | undefined {
  return metric === 'dci' ? dciOfRecord(rec) : rec.metrics[metric];
}

function pairsOf(spec: ClaimSpec, inputs: PlanInputs, records: ReadonlyMap<string, RunRecord>): Pair {
  const idsA = cellRunIds(spec.a, inputs);
  const idsB = spec.b ? cellRunIds(spec.b, inputs) : undefined;
  const out: Pair = { a: [], b: [], recA: [], recB: [] };
  idsA.forEach((id, i) => {
    const ra = records.get(id);
    const va = ra ? metricOf(ra, spec.metric) : undefined;
    if (!ra || typeof va !== 'number' || !Number.isFinite(va)) return;
    if (!idsB) {
      out.a.push(va);
      out.b.push(0);
      out.recA.push(ra);
      return;
    }
    const rb = records.get(idsB[i]);
    const vb = rb ? metricOf(rb, spec.metric) : undefined;
    if (!rb || typeof vb !== 'number' || !Number.isFinite(vb)) return;
    out.a.push(va);
    out.b.push(vb);
    out.recA.push(ra);
    out.recB.push(rb);
  });
  return out;
}

/** Seed-pooled per-window losses of both models, as errors whose square is the loss (dieboldMariano's input), or why not. */
function pooledWindowErrors(p: Pair): { errorsA: Float64Array; errorsB: Float64Array } | string {
  const all = [...p.recA, ...p.recB];
  const T = all[0]?.testWindowSquaredErrors?.length;
  if (!T || all.some((r) => r.testWindowSquaredErrors?.length !== T)) return 'no per-window test errors in the records (runs older than the claims table): rerun them for the DM test';
  const pool = (recs: RunRecord[]): Float64Array => {
    const out = new Float64Array(T);
    for (const r of recs) r.testWindowSquaredErrors!.forEach((v, t) => { out[t] += v / recs.length; });
    return out.map(Math.sqrt);
  };
  return { errorsA: pool(p.recA), errorsB: pool(p.recB) };
}

/** DM lag: windows that share forecast information are ⌈horizon / stride⌉ apart or less. */
function dmHorizon(data: string, horizon: number): number {
  const stride = datasetInfo(data).defaults.window.stride ?? 1;
  return Math.max(1, Math.ceil(horizon / stride));
}

function metricWords(metric: ClaimSpec['metric'], direction: ClaimDirection): string {
  const names: Partial<Record<ClaimSpec['metric'], string>> = { forecastRrse: 'test forecast RRSE', mig: 'MIG', dci: 'DCI disentanglement', gradientCosine: 'mean gradient cosine' };
  return `${names[metric] ?? metric} (${direction === 'less' ? 'claimed < 0' : 'claimed > 0'})`;
}

function describeVariant(v: Variant): string {
  return `${v.model}${v.mode === 'joint' ? ' (joint)' : ''}`;
}

/** Seeds a paired t-test needs for 80 % power against the paper's effect (module doc assumption). */
function seedsForPaper(paper: { a: number; b: number } | undefined, pair: Pair, family: number): number | null {
  if (!paper || pair.a.length < 2 || paper.b === 0) return null;
  const d = pair.a.map((v, i) => v - pair.b[i]);
  const sd = sampleStd(d);
  if (!(sd > 0)) return null;
  const delta = ((paper.a - paper.b) / Math.abs(paper.b)) * mean(pair.b);
  return seedsNeeded(Math.abs(delta) / sd, { alpha: 0.05 / family, sides: 1 });
}

interface Computed {
  readonly row: Omit<ClaimRow, 'pHolm' | 'verdict'> & { verdict: ClaimRow['verdict'] };
  readonly result?: PairedClaimResult;
}

function compute(spec: ClaimSpec, inputs: PlanInputs, records: ReadonlyMap<string, RunRecord>, seed: number, family: number): Computed {
  const data = inputs.choices[spec.a.family].data;
  const horizon = spec.a.horizon ?? datasetInfo(data).defaults.window.horizon;
  const comparison = `${describeVariant(spec.a)}${spec.b ? ` − ${describeVariant(spec.b)}` : ''}, ${metricWords(spec.metric, spec.direction)}`;
  const base = {
    key: spec.key, claim: spec.claim, kind: spec.kind, data: spec.a.horizon ? `${data}, h = ${horizon}` : data, comparison,
    paper: spec.paper ?? null, effect: null, ci95: null, pWilcoxon: null, pDm: null, pCombined: null, dz: null, seedsForObserved: null, seedsForPaper: null, margin: null,
    capped: 0,
  };
  if (!inputs.only.includes(spec.experiment)) {
    return { row: { ...base, n: 0, verdict: 'not run', note: `needs the '${spec.experiment}' experiment (not selected with --only)` } };
  }
  const pair = pairsOf(spec, inputs, records);
  const n = pair.a.length;
  if (n === 0) return { row: { ...base, n, verdict: 'not run', note: 'no finished paired runs with this metric' } };
  const notes: string[] = [];
  const capped = [...pair.recA, ...pair.recB].filter((r) => r.metrics.converged === 0).length;
  if (capped > 0) notes.push(`${capped} of ${pair.recA.length + pair.recB.length} runs hit their epoch cap (not converged): inconclusive (budget) whatever the test says`);
  const margin = spec.kind === 'non-inferiority' ? NONINFERIORITY_MARGIN * mean(pair.b) : null;
  let perWindow: { errorsA: Float64Array; errorsB: Float64Array } | undefined;
  if (spec.dm) {
    const pooled = pooledWindowErrors(pair);
    if (typeof pooled === 'string') notes.push(pooled);
    else perWindow = pooled;
  }
  const dmH = dmHorizon(data, horizon);
  const effect = mean(pair.a.map((v, i) => v - pair.b[i]));
  if (n < 2) {
    let pDm: number | null = null;
    if (perWindow) {
      try {
        pDm = dieboldMariano(perWindow, { horizon: dmH, alternative: spec.direction }).pValue;
      } catch (err) {
        notes.push(`DM undefined: ${(err as Error).message.split('\n')[0]}`);
      }
    }
    notes.push(`1 seed: no CI, rank test or Holm adjustment (a verdict needs ≥ ${seedsForAnyVerdict(family)} seeds)`);
    return { row: { ...base, n, effect, pDm, margin, capped, verdict: capped > 0 ? 'inconclusive (budget)' : 'inconclusive', note: notes.join('; ') } };
  }
  const a = margin === null ? pair.a : pair.a.map((v) => v - margin);
  let result: PairedClaimResult;
  try {
    result = pairedClaim({ a, b: pair.b, direction: spec.direction, seed, family, ...(perWindow ? { perWindow: { ...perWindow, horizon: dmH } } : {}) });
  } catch (err) {
    // DM undefined (e.g. identical forecasts: a constant loss differential): judge on the seeds alone.
    notes.push(`DM undefined: ${(err as Error).message.split('\n')[0]}`);
    result = pairedClaim({ a, b: pair.b, direction: spec.direction, seed, family });
  }
  if (result.dm?.varianceFallback) notes.push(`DM: ${result.dm.varianceFallback}`);
  if (margin !== null) notes.push(`δ = ${margin.toPrecision(3)} (${NONINFERIORITY_MARGIN * 100} % of the reference's mean); tested: mean(a − b) < δ`);
  const shift = margin ?? 0;
  return {
    result,
    row: {
      ...base,
      n,
      effect,
      ci95: [result.ci95[0] + shift, result.ci95[1] + shift],
      pWilcoxon: result.pWilcoxon,
      pDm: result.pDm ?? null,
      pCombined: result.verdictInput.pClaim,
      dz: Number.isFinite(result.effect.value) ? result.effect.value : null,
      seedsForObserved: Number.isFinite(result.seedsForPower) ? result.seedsForPower : null,
      seedsForPaper: seedsForPaper(spec.paper, pair, family),
      margin,
      capped,
      verdict: result.verdict,
      note: notes.join('; '),
    },
  };
}

/**
 * The fewest seeds with which any row can get a verdict: the exact one-sided Wilcoxon p is at
 * least 2⁻ⁿ and Holm multiplies the smallest p of m claims by m, so m · 2⁻ⁿ < α is needed.
 */
export function seedsForAnyVerdict(claims: number, alpha = 0.05): number {
  let n = 1;
  while (claims * 2 ** -n >= alpha) n++;
  return n;
}

/** The smoke-test label of non-full protocols. */
export const SMOKE_LABEL = 'SMOKE TEST: verdicts not estimates';

const fmt = (v: number | null, digits = 4): string => (v === null ? '—' : Math.abs(v) < 1e-3 && v !== 0 ? v.toExponential(2) : v.toFixed(digits));
const fmtP = (v: number | null): string => (v === null ? '—' : v < 1e-4 ? v.toExponential(1) : v.toFixed(4));
const fmtSeeds = (v: number | null): string => (v === null ? '—' : String(v));

function csvField(v: string): string {
  return /[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

/** Compute and render the claims table (see module doc). */
export function claimsTable(inputs: PlanInputs, records: ReadonlyMap<string, RunRecord>, options: { seed?: number; claims?: readonly ClaimSpec[] } = {}): ClaimsTable {
  // The family Holm adjusts over is the list of claims given (the paper's by default: adding a claim widens it).
  const claims = options.claims ?? claimSpecs();
  const computed = claims.map((s) => compute(s, inputs, records, options.seed ?? 0, claims.length));
  const judged = computed.filter((c) => c.result);
  const adjusted = judgeClaims(judged.map((c) => c.result!));
  const rows: ClaimRow[] = computed.map((c) => {
    const j = judged.indexOf(c);
    // A row whose runs hit their epoch cap stays in the Holm family (it widens it, as any claim
    // does) but gets no verdict: its comparison is between budget-limited runs.
    return j >= 0 ? { ...c.row, pHolm: adjusted[j].adjusted.pClaim, verdict: c.row.capped > 0 ? 'inconclusive (budget)' : adjusted[j].verdict } : { ...c.row, pHolm: null };
  });
  const smokeTest = inputs.protocol.name !== 'full';
  const label = smokeTest ? SMOKE_LABEL : 'estimates';
  const p = inputs.protocol;

  const header = ['#', 'claim', 'data', 'A − B, metric', 'seeds', 'effect mean(A − B)', '95 % CI', 'p Wilcoxon', 'p DM', 'p Holm', 'verdict', 'd_z', 'seeds for 80 % power: observed / paper', 'note'];
  const md: string[] = [
    `# Claims of the paper as tested hypotheses${smokeTest ? ` — ${SMOKE_LABEL}` : ''}`,
    '',
    ...(smokeTest ? [`> ${SMOKE_LABEL}: protocol '${p.name}' (${p.seeds} seed(s), ≤ ${p.epochs} epochs, data subsets) exercises the pipeline; its numbers and verdicts say nothing about the paper.`, ''] : []),
    `| ${header.join(' | ')} |`,
    `|${header.map(() => ' --- ').join('|')}|`,
  ];
  rows.forEach((r, i) => {
    const cells = [
      String(i + 1), r.claim, r.data, r.comparison, String(r.n), fmt(r.effect), r.ci95 ? `[${fmt(r.ci95[0])}, ${fmt(r.ci95[1])}]` : '—',
      fmtP(r.pWilcoxon), fmtP(r.pDm), fmtP(r.pHolm), smokeTest && r.verdict !== 'not run' ? `${r.verdict} (smoke test)` : r.verdict,
      r.dz === null ? '—' : r.dz.toFixed(2), `${fmtSeeds(r.seedsForObserved)} / ${fmtSeeds(r.seedsForPaper)}`, r.note || '—',
    ];
    md.push(`| ${cells.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`);
  });
  md.push(
    '',
    'Method (docs/results.md §Claims, docs/statistics.md):',
    `- Pairs: runs of A and B with the same seed (seeds 0..${p.seeds - 1}; same data, split and window subsets). Effect = mean over seeds of A − B; 95 % CI: seeded BCa bootstrap of that mean (10,000 resamples).`,
    '- p Wilcoxon: exact one-sided signed-rank test over seeds in the claimed direction (its smallest p with n seeds is 2⁻ⁿ). p DM: one-sided Diebold–Mariano test (HLN correction) on per-window squared test errors in original units, pooled over seeds (each window\'s loss averaged over the paired seeds), with ⌈horizon / window stride⌉ lags. Combined p = the larger of the two.',
    `- p Holm: the combined p-values of every row with ≥ 2 seeds (${judged.length} here), Holm-adjusted as one family; so no row can get a verdict with fewer than ${seedsForAnyVerdict(Math.max(1, judged.length))} seeds (${judged.length} · 2⁻ⁿ must be < 0.05), and this run has ${p.seeds}. Verdict (lib/eval/paired/claim.ts): supported if p Holm < 0.05 and the CI lies on the claimed side of 0; contradicted if the opposite-direction test passes and the CI lies on the opposite side; otherwise inconclusive at this power. A row any of whose runs hit its epoch cap instead of stopping early is "inconclusive (budget)" whatever the test says: it compares runs that had not converged.`,
    `- Comparable-to-reference rows are non-inferiority tests with margin δ = ${NONINFERIORITY_MARGIN * 100} % of the reference's mean RRSE: supported = DeepDIVE is not worse by more than δ; contradicted = worse by more than δ (no DM test: a margin has no per-window form). The gradient-conflict row is a one-sample test of the mean cosine against 0; interleaved training has no such cosine (no parameter gets both gradients).`,
    `- Seeds for 80 % power: paired t-test, one-sided (as the claims are tested) at α = 0.05 / ${claims.length} (Holm's first step over the ${claims.length} claims: the level the claim with the smallest p must meet), against the observed d_z (observed) and against the paper's effect (paper). The paper reports two means without a spread: we assume its relative difference (a − b)/b carries over to our scale with our seed spread of the differences, d_z = |rel · mean(B)| / sd(A − B).`,
    '- MIG: latent means vs the window labels (synthetic: vs the true factors), on the test split. DCI disentanglement (linear probes, lib/eval/disentanglement/dci.ts): latent means vs the window labels on the figure sample of test windows kept in each record (probes fitted on a seeded two thirds, scored on the rest).',
    `- Label: ${label}.`,
  );
  const csvHeader = ['key', 'claim', 'kind', 'data', 'comparison', 'n', 'effect', 'ci_low', 'ci_high', 'p_wilcoxon', 'p_dm', 'p_combined', 'p_holm', 'verdict', 'd_z', 'seeds_observed', 'seeds_paper', 'paper_a', 'paper_b', 'margin', 'label', 'note'];
  const num = (v: number | null | undefined): string => (v === null || v === undefined ? '' : String(v));
  const csv = [csvHeader.join(','), ...rows.map((r) => [
    r.key, r.claim, r.kind, r.data, r.comparison, String(r.n), num(r.effect), num(r.ci95?.[0]), num(r.ci95?.[1]), num(r.pWilcoxon), num(r.pDm), num(r.pCombined), num(r.pHolm),
    r.verdict, num(r.dz), num(r.seedsForObserved), num(r.seedsForPaper), num(r.paper?.a), num(r.paper?.b), num(r.margin), label, r.note,
  ].map(csvField).join(','))];
  return { rows, smokeTest, markdown: `${md.join('\n')}\n`, csv: `${csv.join('\n')}\n` };
}
