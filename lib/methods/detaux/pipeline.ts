/**
 * Detaux end to end on the shared benchmark (docs/design.md §Detaux): stage 1 trains the
 * product-space auto-encoder on principal pairs; stage 2 picks the subspace least aligned with
 * the principal one and clusters it into auxiliary labels; stage 3 trains STL, MTL with the
 * discovered labels, and the controls (random labels of the same K, the oracle factor) over
 * several seeds and scores the principal task on the ID and OOD test windows. The report is
 * plain JSON (`dive train --model detaux --json`); `saveDetaux` writes it with the weights and
 * the discovered labels into one folder, atomically.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { BENCHMARK_FACTORS, BENCHMARK_LEVELS, PRINCIPAL, factorColumn, factorTable, generateBenchmark, pairIndex, sampleOneFactorPairs, samplePrincipalPairs, type Benchmark, type BenchmarkSplit } from '../../data/benchmark';
import { nmi } from '../../eval/cluster';
import { mean, sampleStd } from '../../eval/stats';
import { disentanglementScores, type DisentanglementScores } from '../../eval/disentanglement';
import { Adam, namedGradients } from '../../train/adam';
import { makeRng, permutation, type Rng } from '../../util/random';
import { UserError } from '../../util/errors';
import { requireSyncReads } from '../../backend/select';
import { writeDirAtomic } from '../../util/atomic';
import type { ProgressSink } from '../../util/progress';
import { mixSeed } from '../../util/random';
import { DetauxAutoencoder } from './autoencoder';
import { hdbscanLabels, kmeansBySilhouette, type ChosenClustering } from './cluster';
import type { DetauxConfig } from './config';
import { schedule, stage1Losses } from './losses';
import { ARMS, trainArm, type ArmName, type ArmResult, type TaskData } from './multitask';
import { alignments, eligibleSubspaces, firstComponentCodes, leastAlignedSubspace, normalisedAlignments, subspaceCodes, subspaceRms } from './subspace';
import { checkOutputDir, type OutputTarget } from '../../util/outputDir';

/** A Detaux run folder (saveDetaux) as an output target: ours when it holds detaux.json or the marker. */
export const DETAUX_TARGET: OutputTarget = { writes: 'a Detaux run folder', ownEntries: ['detaux.json'] };

export const DETAUX_FORMAT = 'divelab-detaux/1';

/** Mean stage-1 terms of one epoch. */
export interface Stage1Epoch {
  epoch: number;
  total: number;
  rec: number;
  sp: number;
  dist: number;
  cons: number;
  reg: number;
  beta1: number;
  beta2: number;
  beta3: number;
  /** Reconstruction MSE of the validation windows after the epoch. */
  valRec: number;
  /** The objective with every term at full weight on the fixed validation pairs (the convergence criterion's value). */
  valTotal: number;
}

/** How stage 1 ended. */
export interface Stage1Convergence {
  /** The criterion held (false: stopped by maxEpochs, or patience 0 = the fixed budget). */
  converged: boolean;
  criterion: string;
  epochs: number;
  scheduleEpochs: number;
}

export interface MeanStd {
  mean: number;
  std: number;
  values: number[];
}

export type Scores = DisentanglementScores;

export interface DetauxReport {
  model: 'detaux';
  data: 'benchmark';
  seed: number;
  backend: string;
  seconds: number;
  benchmark: { factors: string[]; levels: number[]; principal: string; split: string; train: number; val: number; test: number; ood: number; inputLength: number; heldOut: string };
  stage1: {
    parameters: number;
    steps: number;
    history: Stage1Epoch[];
    convergence: Stage1Convergence;
    reconstructionMse: { train: number; test: number; ood: number };
    seconds: number;
  };
  /** Disentanglement metrics of the stage-1 codes (one scalar per subspace: its first principal component, axes fitted on the training windows). */
  disentanglement: { codes: string; iid: Scores; ood: Scores };
  stage2: {
    /** mean ⟨z_s, z_0⟩ per subspace (entry 0: mean ‖z_0‖²). */
    alignment: number[];
    /** sqrt(mean ‖z_s‖²) per subspace: how far each subspace's codes have collapsed. */
    rms: number[];
    /** alignment_s / (rms_s · rms_0). */
    normalisedAlignment: number[];
    chosenSubspace: number;
    /** 'least-aligned' = by stage2.choice ('normalised' or 'raw'); 'config' = stage2.subspace. */
    chosenBy: 'least-aligned' | 'config';
    choice: 'normalised' | 'raw';
    method: 'kmeans' | 'hdbscan';
    k: number;
    silhouettes: { k: number; silhouette: number }[];
    clusterSizes: number[];
    /** NMI of the discovered labels with each true factor, on the training windows. */
    nmi: Record<string, number>;
    /** NMI with each true factor of every subspace's own clustering at the chosen K (the notebook's table; same method). */
    nmiBySubspace: Record<string, number>[];
    seconds: number;
  };
  stage3: {
    seeds: number;
    oracleFactor: string;
    /** Every run of every arm stopped by early stopping (false with patience 0: the fixed budget). */
    converged: boolean;
    /** The stopping rule, in words (the analogue of stage1.convergence.criterion). */
    criterion: string;
    /** Per arm: epochs trained and kept per seed, and how many seeds stopped by early stopping (stage3.patience; 0 = fixed epochs, none). */
    arms: Record<ArmName, { auxClasses: number | null; epochs: number[]; bestEpochs: number[]; converged: number; iid: { accuracy: MeanStd; macroF1: MeanStd }; ood: { accuracy: MeanStd; macroF1: MeanStd } }>;
    seconds: number;
  };
}

/** What the notebook needs beyond the JSON: the codes and labels of the training windows. */
export interface DetauxArtifacts {
  bench: Benchmark;
  /** [k, n, d] stage-1 codes of the training windows. */
  trainCodes: Float32Array;
  k: number;
  d: number;
  labels: Int32Array;
  clustering: ChosenClustering;
  runs: ArmResult[];
  weights: Map<string, { shape: number[]; values: Float32Array }>;
}

export interface DetauxRunOptions {
  backend?: string;
  onProgress?: ProgressSink;
}

function summarise(values: number[]): MeanStd {
  return { mean: mean(values), std: values.length > 1 ? sampleStd(values) : 0, values };
}

function progress(sink: ProgressSink | undefined, label: string, done: number, total: number, t0: number, status = ''): void {
  if (!sink) return;
  const elapsedSec = (Date.now() - t0) / 1000;
  sink({ label, done, total, elapsedSec, etaSec: done > 0 ? (elapsedSec / done) * (total - done) : undefined, status });
}

/**
 * One batch of B pairs in the configured pair mode, drawn from `split` with `rng`, laid out as
 * the stage-1 losses read it: x [2B, L] (x then x′), principalDiffers [B] (1 where the pair's
 * regimes differ), and the consistency term's random subspace picks (drawn after the pairs).
 */
function pairBatch(split: BenchmarkSplit, index: ReturnType<typeof pairIndex>, bench: Benchmark, cfg: DetauxConfig, B: number, rng: Rng): { x: Float32Array; differs: Float32Array; picks: Int32Array } {
  const s1 = cfg.stage1;
  const L = bench.config.inputLength;
  const pairs = s1.pairs === 'principal' ? samplePrincipalPairs(split, index, B, s1.differentPrincipalProbability, rng) : sampleOneFactorPairs(bench.config, B, rng);
  const x = new Float32Array(2 * B * L);
  x.set(pairs.x1, 0);
  x.set(pairs.x2, B * L);
  const differs = new Float32Array(B);
  for (let b = 0; b < B; b++) differs[b] = pairs.f1[b * BENCHMARK_FACTORS.length + PRINCIPAL] !== pairs.f2[b * BENCHMARK_FACTORS.length + PRINCIPAL] ? 1 : 0;
  return { x, differs, picks: permutation(s1.subspaces * B, rng).slice(0, 2 * B) };
}

/** Fixed validation pairs of the convergence criterion (seeded; the pair mode of training). */
function validationPairs(bench: Benchmark, cfg: DetauxConfig): { x: Float32Array; differs: Float32Array; picks: Int32Array; B: number } {
  const B = cfg.stage1.valPairs;
  return { ...pairBatch(bench.val, pairIndex(bench.val), bench, cfg, B, makeRng(mixSeed(cfg.seed, 11))), B };
}

/**
 * Stage 1 training; returns the trained auto-encoder (caller disposes), the per-epoch history and
 * how it ended. The β schedule runs over `epochs` E; then training continues at full weights
 * until the validation objective stops improving (`patience`, `minRelDelta`) or `maxEpochs`.
 */
export function trainStage1(bench: Benchmark, cfg: DetauxConfig, onProgress?: ProgressSink): { ae: DetauxAutoencoder; history: Stage1Epoch[]; steps: number; convergence: Stage1Convergence } {
  const s1 = cfg.stage1;
  const L = bench.config.inputLength;
  const ae = new DetauxAutoencoder(s1, L, mixSeed(cfg.seed, 1));
  const adam = new Adam({ lr: s1.lr, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: s1.weightDecay });
  const params = ae.store.all();
  const index = pairIndex(bench.train);
  const B = s1.batchPairs;
  const history: Stage1Epoch[] = [];
  const t0 = Date.now();
  const total = s1.maxEpochs * s1.stepsPerEpoch;
  const val = validationPairs(bench, cfg);
  let step = 0;
  let best = Infinity;
  let bad = 0;
  let convergence: Stage1Convergence | undefined;
  try {
    for (let epoch = 0; epoch < s1.maxEpochs && !convergence; epoch++) {
      const acc = { total: 0, rec: 0, sp: 0, dist: 0, cons: 0, reg: 0 };
      for (let j = 0; j < s1.stepsPerEpoch; j++, step++) {
        const { x, differs, picks } = pairBatch(bench.train, index, bench, cfg, B, makeRng(mixSeed(cfg.seed, 10, step)));
        const kept: Record<string, tf.Scalar> = {};
        const { value, grads } = tf.tidy(() => {
          const xt = tf.tensor2d(x, [2 * B, L]);
          const dt = tf.tensor1d(differs);
          return tf.variableGrads(() => {
            const terms = stage1Losses(ae, xt, dt, epoch, s1, picks);
            for (const k of ['rec', 'sp', 'dist', 'cons', 'reg'] as const) kept[k] = tf.keep(terms[k]);
            return terms.total;
          }, params.map((p) => p.variable));
        });
        try {
          const v = value.dataSync()[0];
          if (!Number.isFinite(v)) throw new UserError(`detaux stage 1 diverged at epoch ${epoch}, step ${step}: loss ${v}; lower stage1.lr`);
          adam.step(namedGradients(params, grads), s1.clipNorm).dispose();
          acc.total += v;
          for (const k of ['rec', 'sp', 'dist', 'cons', 'reg'] as const) acc[k] += kept[k].dataSync()[0];
        } finally {
          value.dispose();
          Object.values(grads).forEach((g) => g.dispose());
          Object.values(kept).forEach((t) => t.dispose());
        }
        progress(onProgress, 'detaux stage 1', step + 1, total, t0, `rec ${(acc.rec / (j + 1)).toFixed(4)}`);
      }
      const n = s1.stepsPerEpoch;
      const sch = schedule(epoch, s1.epochs);
      // The criterion's value: every term at full weight (the schedule's end), on the fixed validation pairs.
      const valTotal = tf.tidy(() => stage1Losses(ae, tf.tensor2d(val.x, [2 * val.B, L]), tf.tensor1d(val.differs), s1.epochs, s1, val.picks).total.dataSync()[0]);
      history.push({
        epoch,
        total: acc.total / n, rec: acc.rec / n, sp: acc.sp / n, dist: acc.dist / n, cons: acc.cons / n, reg: acc.reg / n,
        beta1: sch.warm ? sch.beta1 : 0, beta2: sch.consistency ? sch.beta2 : 0, beta3: sch.warm ? sch.beta3 : 0,
        valRec: ae.reconstructionMse(bench.val.x, bench.val.n),
        valTotal,
      });
      if (epoch + 1 < s1.epochs) continue; // the schedule runs whole
      if (s1.patience === 0) {
        convergence = { converged: false, criterion: `fixed budget: stopped at the end of the ${s1.epochs}-epoch schedule (patience 0)`, epochs: epoch + 1, scheduleEpochs: s1.epochs };
        break;
      }
      if (valTotal < best * (1 - s1.minRelDelta)) {
        best = valTotal;
        bad = 0;
      } else if (++bad >= s1.patience) {
        convergence = {
          converged: true,
          criterion: `validation objective (all terms at full weight, ${val.B} fixed pairs) not better by ${s1.minRelDelta} (relative) for ${s1.patience} epochs after the ${s1.epochs}-epoch schedule`,
          epochs: epoch + 1, scheduleEpochs: s1.epochs,
        };
      }
    }
  } catch (err) {
    ae.dispose();
    throw err;
  } finally {
    adam.dispose();
  }
  convergence ??= { converged: false, criterion: `epoch cap: stage1.maxEpochs = ${s1.maxEpochs} reached while the validation objective still improved`, epochs: history.length, scheduleEpochs: s1.epochs };
  return { ae, history, steps: step, convergence };
}

/** Cluster one subspace's training codes with the configured method. */
export function clusterSubspace(codes: Float32Array, s: number, n: number, d: number, cfg: DetauxConfig, seed: number): ChosenClustering {
  const s2 = cfg.stage2;
  const feats = subspaceCodes(codes, s, n, d);
  const rng = makeRng(seed);
  if (s2.method === 'hdbscan') return hdbscanLabels(feats, d, s2.minClusterSize ?? Math.max(2, Math.round(0.02 * Math.min(n, s2.hdbscanPoints))), rng, s2.hdbscanPoints);
  return kmeansBySilhouette(feats, d, s2.kMin, s2.kMax, rng, s2);
}

/** Stage 3's stopping rule in words (every arm and seed trains under it). */
function stage3Criterion(s3: DetauxConfig['stage3']): string {
  return s3.patience > 0
    ? `principal head's validation cross-entropy not improved for ${s3.patience} epochs (best epoch's weights kept), cap ${s3.epochs} epochs`
    : `fixed budget: ${s3.epochs} epochs (patience 0), not a convergence criterion`;
}

function nmiPerFactor(labels: Int32Array, split: BenchmarkSplit): Record<string, number> {
  const out: Record<string, number> = {};
  BENCHMARK_FACTORS.forEach((name, f) => { out[name] = nmi(labels, factorColumn(split, f)); });
  return out;
}

function task(split: BenchmarkSplit): TaskData {
  return { x: split.x, n: split.n, principal: factorColumn(split, PRINCIPAL) };
}

/** Run all three stages. */
export function runDetaux(cfg: DetauxConfig, opts: DetauxRunOptions = {}): { report: DetauxReport; artifacts: DetauxArtifacts } {
  requireSyncReads('runDetaux');
  const t0 = Date.now();
  const bench = generateBenchmark(cfg.data);
  if (!bench.ood) throw new UserError("detaux needs the 'ood' benchmark split (data.split)");
  const ood = bench.ood;
  const k = cfg.stage1.subspaces, d = cfg.stage1.latentDim;

  // Stage 1.
  const { ae, history, steps, convergence } = trainStage1(bench, cfg, opts.onProgress);
  const t1 = Date.now();
  let trainCodes: Float32Array, testCodes: Float32Array, oodCodes: Float32Array;
  let recon: DetauxReport['stage1']['reconstructionMse'];
  const weights = new Map<string, { shape: number[]; values: Float32Array }>();
  const parameters = ae.store.size();
  try {
    trainCodes = ae.codesOf(bench.train.x, bench.train.n);
    testCodes = ae.codesOf(bench.test.x, bench.test.n);
    oodCodes = ae.codesOf(ood.x, ood.n);
    recon = { train: ae.reconstructionMse(bench.train.x, bench.train.n), test: ae.reconstructionMse(bench.test.x, bench.test.n), ood: ae.reconstructionMse(ood.x, ood.n) };
    for (const p of ae.store.all()) weights.set(p.name, { shape: p.variable.shape.slice(), values: Float32Array.from(p.variable.dataSync() as Float32Array) });
  } finally {
    ae.dispose();
  }
  const pcTest = firstComponentCodes(trainCodes, bench.train.n, testCodes, bench.test.n, k, d);
  const pcOod = firstComponentCodes(trainCodes, bench.train.n, oodCodes, ood.n, k, d);
  const disentanglement = {
    codes: `first principal component of each of the ${k} subspaces (axes fitted on the training windows)`,
    iid: disentanglementScores(pcTest.values, k, factorTable(bench.test), { seed: cfg.seed }),
    ood: disentanglementScores(pcOod.values, k, factorTable(ood), { seed: cfg.seed }),
  };

  // Stage 2.
  const t2 = Date.now();
  progress(opts.onProgress, 'detaux stage 2', 0, 1, t2, 'clustering');
  const n = bench.train.n;
  const align = alignments(trainCodes, k, n, d);
  const rms = subspaceRms(trainCodes, k, n, d);
  const normalised = normalisedAlignments(align, rms);
  const chosen = cfg.stage2.subspace ?? (cfg.stage2.choice === 'normalised' ? leastAlignedSubspace(normalised, eligibleSubspaces(rms, cfg.stage2.minRelativeRms)) : leastAlignedSubspace(align));
  const clustering = clusterSubspace(trainCodes, chosen, n, d, cfg, mixSeed(cfg.seed, 2));
  const labels = clustering.labels;
  const nmiBySubspace: Record<string, number>[] = [];
  for (let s = 0; s < k; s++) {
    const c = s === chosen ? clustering : clusterSubspace(trainCodes, s, n, d, { ...cfg, stage2: { ...cfg.stage2, kMin: clustering.k, kMax: clustering.k, method: 'kmeans' } }, mixSeed(cfg.seed, 2, s));
    nmiBySubspace.push(nmiPerFactor(c.labels, bench.train));
  }
  progress(opts.onProgress, 'detaux stage 2', 1, 1, t2, `subspace ${chosen}, K=${clustering.k}`);
  const t3 = Date.now();

  // Stage 3.
  const s3 = cfg.stage3;
  const trainTask = task(bench.train), iidTask = task(bench.test), oodTask = task(ood), valTask = task(bench.val);
  const oracleIndex = BENCHMARK_FACTORS.indexOf(s3.oracleFactor);
  const principalClasses = BENCHMARK_LEVELS[PRINCIPAL];
  const runs: ArmResult[] = [];
  const totalRuns = s3.seeds * ARMS.length;
  for (let r = 0; r < s3.seeds; r++) {
    const seed = mixSeed(cfg.seed, 3, r);
    const random = makeRng(mixSeed(seed, 7));
    const auxOf: Record<ArmName, { labels: Int32Array; classes: number } | null> = {
      stl: null,
      detaux: { labels, classes: clustering.k },
      random: { labels: Int32Array.from({ length: n }, () => random.int(clustering.k)), classes: clustering.k },
      oracle: { labels: factorColumn(bench.train, oracleIndex), classes: BENCHMARK_LEVELS[oracleIndex] },
    };
    for (const arm of ARMS) {
      runs.push(trainArm(arm, s3, trainTask, auxOf[arm], iidTask, oodTask, principalClasses, seed, valTask));
      progress(opts.onProgress, 'detaux stage 3', runs.length, totalRuns, t3, `${arm} seed ${r}`);
    }
  }
  const arms = {} as DetauxReport['stage3']['arms'];
  for (const arm of ARMS) {
    const rs = runs.filter((x) => x.arm === arm);
    arms[arm] = {
      auxClasses: rs[0].auxClasses,
      epochs: rs.map((x) => x.epochs),
      bestEpochs: rs.map((x) => x.bestEpoch),
      converged: rs.filter((x) => x.converged).length,
      iid: { accuracy: summarise(rs.map((x) => x.iid.accuracy)), macroF1: summarise(rs.map((x) => x.iid.macroF1)) },
      ood: { accuracy: summarise(rs.map((x) => x.ood.accuracy)), macroF1: summarise(rs.map((x) => x.ood.macroF1)) },
    };
  }
  const t4 = Date.now();
  const c = bench.config;
  const report: DetauxReport = {
    model: 'detaux',
    data: 'benchmark',
    seed: cfg.seed,
    backend: opts.backend ?? tf.getBackend(),
    seconds: (t4 - t0) / 1000,
    benchmark: {
      factors: [...BENCHMARK_FACTORS], levels: [...BENCHMARK_LEVELS], principal: BENCHMARK_FACTORS[PRINCIPAL], split: c.split,
      train: bench.train.n, val: bench.val.n, test: bench.test.n, ood: ood.n, inputLength: c.inputLength,
      heldOut: 'frequency level >= 4 and amplitude level >= 3 (0-based)',
    },
    stage1: { parameters, steps, history, convergence, reconstructionMse: recon, seconds: (t1 - t0) / 1000 },
    disentanglement,
    stage2: {
      alignment: align, rms, normalisedAlignment: normalised, chosenSubspace: chosen, chosenBy: cfg.stage2.subspace === null ? 'least-aligned' : 'config', choice: cfg.stage2.choice, method: clustering.method, k: clustering.k,
      silhouettes: clustering.silhouettes, clusterSizes: clustering.sizes, nmi: nmiPerFactor(labels, bench.train), nmiBySubspace, seconds: (t3 - t2) / 1000,
    },
    stage3: {
      seeds: s3.seeds, oracleFactor: s3.oracleFactor, converged: s3.patience > 0 && runs.every((x) => x.converged), criterion: stage3Criterion(s3), arms, seconds: (t4 - t3) / 1000,
    },
  };
  return { report, artifacts: { bench, trainCodes, k, d, labels, clustering, runs, weights } };
}

/**
 * Write one folder atomically: `detaux.json` (format, config, tensor index), `weights.bin`
 * (stage-1 weights, float32 little-endian), `labels.json` (the discovered labels of the training
 * windows with their true factor levels) and `metrics.json` (the report).
 */
export async function saveDetaux(dir: string, cfg: DetauxConfig, report: DetauxReport, artifacts: DetauxArtifacts): Promise<void> {
  checkOutputDir(dir, DETAUX_TARGET);
  await writeDirAtomic(dir, (tmp) => {
    const index: { name: string; shape: number[]; offset: number }[] = [];
    let total = 0;
    for (const [name, w] of artifacts.weights) {
      index.push({ name, shape: w.shape, offset: total });
      total += w.values.length;
    }
    const data = new Float32Array(total);
    let o = 0;
    for (const w of artifacts.weights.values()) {
      data.set(w.values, o);
      o += w.values.length;
    }
    fs.writeFileSync(path.join(tmp, 'weights.bin'), new Uint8Array(data.buffer));
    fs.writeFileSync(path.join(tmp, 'detaux.json'), JSON.stringify({ format: DETAUX_FORMAT, config: cfg, tensors: index }, null, 2));
    const split = artifacts.bench.train;
    fs.writeFileSync(
      path.join(tmp, 'labels.json'),
      JSON.stringify({
        subspace: report.stage2.chosenSubspace, method: report.stage2.method, k: report.stage2.k,
        windows: 'the benchmark training split (regenerate it with data config + seed in detaux.json)',
        factors: [...BENCHMARK_FACTORS], labels: Array.from(artifacts.labels), factorLevels: Array.from(split.factors),
      }),
    );
    fs.writeFileSync(path.join(tmp, 'metrics.json'), JSON.stringify(report, null, 2));
  });
}
