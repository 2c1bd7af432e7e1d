/**
 * DeepDIVE beside its PyTorch reference (./torch_deepdive.py): what crosses to the python3
 * child, and what comes back.
 *
 * - A bundle (`writeDeepdiveBundle`): manifest.json — the model's config and data geometry, its
 *   term weights and phases, each variable by its stable name and group, the batches, and for a
 *   parity check the passes (phase, batch, noise) — and tensors.bin, every tensor as float32
 *   little-endian back to back (labels too: class ids are exact there).
 * - The noise our pass drew (`recordNoise`): the reparameterisation noise ε handed to the named op
 *   `reparameterise` and the multipliers of the named op `dropout` (lib/models/nn.ts), captured
 *   while `model.losses` runs and named by their NOISE_STREAM (the stream whose seed gives them),
 *   so the reference reads the same tensors instead of drawing its own.
 * - Our side of a parity check (`ourPassValues`): the unweighted terms, the phase's weighted loss
 *   and its gradients with respect to the phase's variables, as the trainer's step computes them
 *   (lib/train/trainer.ts trainStep, before clipping and the update).
 * - The reference's side (`referenceValues`) and the comparison (`compareParity`).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { DECLINE, opImplementedHere, registerOpImplementation, unregisterOpImplementation } from 'divelab/lib/backend/ops';
import { dropoutWith, NOISE_STREAM, reparameteriseWith } from 'divelab/lib/models/nn';
import { DeepDive } from 'divelab/lib/models/deepdive';
import { weightedSum, type Model, type TensorBatch, type TermName } from 'divelab/lib/models/types';
import type { Phase } from 'divelab/lib/train/interleave';
import { dropoutMultipliers, mixSeed } from 'divelab/lib/util/random';
import { registerOpImplementations } from '../ops';
import { childFailure, runPython, torchScript } from './torchChild';

/** Where a tensor lies in tensors.bin: its first element and its shape. */
export interface TensorRef {
  readonly offset: number;
  readonly shape: readonly number[];
}

/** Noise of one pass by NOISE_STREAM name (e.g. `marginalSample`, `trunkDropout`). */
export type RecordedNoise = Record<string, { readonly shape: readonly number[]; readonly data: Float32Array }>;

/** One pass the reference computes in a parity check: a phase on a batch with our noise. */
export interface ReferencePass {
  readonly phase: Phase;
  /** Index into the bundle's batches. */
  readonly batch: number;
  readonly noise: RecordedNoise;
}

const FORMAT = 'divelab-deepdive-torch/1';

/** Appends float32 tensors to a file and hands back their references. */
class TensorFile {
  private offset = 0;
  private readonly fd: number;
  constructor(file: string) {
    this.fd = fs.openSync(file, 'w');
  }
  add(data: ArrayLike<number>, shape: readonly number[]): TensorRef {
    const f32 = data instanceof Float32Array ? data : Float32Array.from(data);
    const n = shape.reduce((a, b) => a * b, 1);
    if (f32.length !== n) throw new Error(`a tensor of shape [${shape.join(', ')}] needs ${n} values, got ${f32.length}`);
    fs.writeSync(this.fd, new Uint8Array(f32.buffer, f32.byteOffset, f32.byteLength));
    const ref = { offset: this.offset, shape: [...shape] };
    this.offset += n;
    return ref;
  }
  close(): void {
    fs.closeSync(this.fd);
  }
}

/** The parts of DeepDIVE the reference does not implement, as a reason (undefined: covered). */
export function referenceGap(model: Model): string | undefined {
  if (!(model instanceof DeepDive)) return `${model.name} is not a DeepDIVE model`;
  const c = model.config;
  if (c.trunk.kind === 'gru') return 'the PyTorch reference covers the mlp and channel-mlp trunks, not gru';
  if (c.atom.kind !== 'none' && c.atom.weight > 0) return 'the PyTorch reference does not cover the atom regulariser';
  return undefined;
}

/**
 * Write the bundle of `model` (its current weights), `batches`, `phases` and the parity
 * `passes` (none for a bench run) into `dir` (created; files replaced).
 */
export function writeDeepdiveBundle(dir: string, model: Model, batches: readonly TensorBatch[], phases: readonly Phase[], passes: readonly ReferencePass[] = []): void {
  const gap = referenceGap(model);
  if (gap) throw new Error(gap);
  fs.mkdirSync(dir, { recursive: true });
  const file = new TensorFile(path.join(dir, 'tensors.bin'));
  let manifest: object;
  try {
    const params = model.params.all().map((p) => ({ name: p.name, group: p.group, ...file.add(p.variable.dataSync(), p.variable.shape) }));
    const tensor = (t: tf.Tensor): TensorRef => file.add(t.dataSync(), t.shape);
    const bs = batches.map((b) => ({ x: tensor(b.x), y: tensor(b.y), labels: b.labels.map(tensor) }));
    const ps = passes.map((p) => ({
      phase: p.phase,
      batch: p.batch,
      noise: Object.fromEntries(Object.entries(p.noise).map(([k, v]) => [k, file.add(v.data, v.shape)])),
    }));
    const d = model.dataInfo;
    manifest = {
      format: FORMAT,
      model: model.name,
      config: model.config,
      dataInfo: { inputLength: d.inputLength, targetLength: d.targetLength, channels: d.channels, labels: d.labels, classFrequencies: d.classFrequencies },
      weights: model.objective.weights,
      phases,
      params,
      batches: bs,
      passes: ps,
    };
  } finally {
    file.close();
  }
  fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(manifest));
}

/**
 * Run `f` (a pass of `model.losses` with step seed `noiseSeed`) and capture the noise it drew:
 * each `dropout` call's multipliers and each `reparameterise` call's ε, named by the NOISE_STREAM
 * whose seed mixSeed(noiseSeed, stream) drew them. While `f` runs the two ops take their plain
 * definitions (the speed lab's kernels, when registered, are restored after); other stochastic
 * draws are not expected, and noise from no known stream throws.
 */
export function recordNoise<T>(noiseSeed: number, f: () => T): { value: T; noise: RecordedNoise } {
  const backend = tf.getBackend();
  const noise: RecordedNoise = {};
  const streams = Object.entries(NOISE_STREAM).map(([name, s]) => ({ name, seed: mixSeed(noiseSeed, s) }));
  const keep = (name: string, shape: readonly number[], data: Float32Array): void => {
    if (noise[name]) throw new Error(`the pass drew the ${name} noise twice`);
    noise[name] = { shape: [...shape], data };
  };
  const fastBefore = opImplementedHere(reparameteriseWith) || opImplementedHere(dropoutWith);
  registerOpImplementation(dropoutWith, backend, (x: tf.Tensor, rate: number, seed: number) => {
    const s = streams.find((q) => q.seed === seed);
    if (!s) throw new Error(`dropout with seed ${seed}: not one of this step's noise streams`);
    keep(s.name, x.shape, dropoutMultipliers(x.size, rate, seed));
    return DECLINE;
  });
  registerOpImplementation(reparameteriseWith, backend, (mu: tf.Tensor2D, logvar: tf.Tensor2D, eps: tf.Tensor2D) => {
    const data = eps.dataSync() as Float32Array;
    // Which stream drew ε: the one whose seed gives the same draw.
    const s = streams.find((q) => tf.tidy(() => tf.randomNormal(eps.shape, 0, 1, 'float32', q.seed).dataSync()).every((v, i) => v === data[i]));
    if (!s) throw new Error('reparameterisation noise from none of this step\'s noise streams');
    keep(s.name, eps.shape, Float32Array.from(data));
    return DECLINE;
  });
  try {
    return { value: f(), noise };
  } finally {
    if (fastBefore) registerOpImplementations(backend);
    else {
      unregisterOpImplementation(dropoutWith, backend);
      unregisterOpImplementation(reparameteriseWith, backend);
    }
  }
}

/** Terms, weighted loss and gradients of one pass (ours or the reference's). */
export interface PassValues {
  readonly phase: string;
  readonly terms: Partial<Record<TermName, number>>;
  readonly loss: number;
  /** Gradient per variable (stable name) of the phase's weighted loss, variables of the phase only. */
  readonly grads: ReadonlyMap<string, Float64Array | Float32Array>;
}

/**
 * `phase` on `batch` with step seed `noiseSeed` as the trainer's step computes it: the model's
 * terms, their weighted sum and its gradients with respect to the phase's variables.
 */
export function ourPassValues(model: Model, batch: TensorBatch, phase: Phase, noiseSeed: number): PassValues {
  const params = model.params.all().filter((p) => phase.groups.includes(p.group));
  const kept: Partial<Record<TermName, tf.Scalar>> = {};
  const { value, grads } = tf.variableGrads(() => {
    const terms = model.losses(batch, { noiseSeed }, phase.terms);
    for (const t of phase.terms) if (terms[t]) kept[t] = tf.keep(terms[t]!);
    return weightedSum(terms, model.objective.weights, phase.terms);
  }, params.map((p) => p.variable));
  try {
    const terms: Partial<Record<TermName, number>> = {};
    for (const [t, v] of Object.entries(kept) as [TermName, tf.Scalar][]) terms[t] = v.dataSync()[0];
    const named = new Map<string, Float32Array>();
    for (const p of params) {
      const g = grads[p.variable.name];
      if (g) named.set(p.name, g.dataSync() as Float32Array);
    }
    return { phase: phase.name, terms, loss: value.dataSync()[0], grads: named };
  } finally {
    value.dispose();
    tf.dispose(Object.values(grads));
    tf.dispose(Object.values(kept) as tf.Scalar[]);
  }
}

interface ReferenceResult {
  torch: string;
  passes: { phase: string; terms: Partial<Record<TermName, number>>; loss: number; weights: Record<string, number>; grads: Record<string, TensorRef> }[];
}

/**
 * Run the reference's parity mode on the bundle in `dir` (results written beside it, in
 * `dir/reference`). Resolves to its values per pass and the term weights it derived, or to a
 * reason it could not run (PyTorch missing: the install command).
 */
export async function referenceValues(dir: string): Promise<{ ok: true; torch: string; passes: (PassValues & { weights: Record<string, number> })[] } | { ok: false; reason: string }> {
  const out = path.join(dir, 'reference');
  const r = await runPython([torchScript('torch_deepdive.py'), 'parity', dir, out]);
  const failed = childFailure(r);
  if (failed) return { ok: false, reason: failed };
  const result = JSON.parse(fs.readFileSync(path.join(out, 'result.json'), 'utf8')) as ReferenceResult;
  const bin = fs.readFileSync(path.join(out, 'grads.bin'));
  const all = new Float64Array(bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength));
  return {
    ok: true,
    torch: result.torch,
    passes: result.passes.map((p) => ({
      phase: p.phase,
      terms: p.terms,
      loss: p.loss,
      weights: p.weights,
      grads: new Map(Object.entries(p.grads).map(([name, ref]) => [name, all.subarray(ref.offset, ref.offset + ref.shape.reduce((a, b) => a * b, 1))])),
    })),
  };
}

/** How far one quantity of ours is from the reference's. */
export interface ParityEntry {
  readonly phase: string;
  /** `term:ce`, `loss`, or `grad:<variable name>`. */
  readonly what: string;
  /** max_i |ours_i − ref_i| (Infinity when one side is missing or the shapes differ). */
  readonly absErr: number;
  /** max_i |ref_i|. */
  readonly refMax: number;
  /**
   * absErr / refMax (0 when both are all zero); for a gradient whose reference is zero to float64
   * round-off (`against: 'phase'`), absErr / the phase's largest reference gradient entry.
   */
  readonly relErr: number;
  /** What relErr is relative to: the quantity's own largest entry, or the phase's gradients. */
  readonly against: 'own' | 'phase';
}

/**
 * A reference gradient at most this fraction of its phase's largest gradient entry is zero to
 * float64 round-off (the attention's key bias, whose gradient vanishes because a shift shared by
 * all keys leaves the softmax unchanged; gradients cut off by a saturated clip): ours, float32,
 * then holds round-off that is small only against the phase's gradients.
 */
export const ZERO_GRADIENT = 1e-12;

function entry(phase: string, what: string, ours: ArrayLike<number> | undefined, ref: ArrayLike<number> | undefined): ParityEntry {
  if (!ours || !ref || ours.length !== ref.length) return { phase, what, absErr: Infinity, refMax: 0, relErr: Infinity, against: 'own' };
  let d = 0;
  let m = 0;
  for (let i = 0; i < ref.length; i++) {
    const e = Math.abs(ours[i] - ref[i]);
    d = Number.isNaN(e) ? Infinity : Math.max(d, e);
    m = Math.max(m, Math.abs(ref[i]));
  }
  return { phase, what, absErr: d, refMax: m, relErr: d === 0 ? 0 : d / m, against: 'own' };
}

/**
 * Every term, loss and gradient of `ours` against `ref`, pass by pass (same order). A quantity
 * present on one side only has an infinite error, so a missing term or gradient fails any bound.
 */
export function compareParity(ours: readonly PassValues[], ref: readonly PassValues[]): ParityEntry[] {
  if (ours.length !== ref.length) throw new Error(`${ours.length} passes of ours against ${ref.length} of the reference`);
  const out: ParityEntry[] = [];
  ours.forEach((o, i) => {
    const r = ref[i];
    const terms = new Set([...Object.keys(o.terms), ...Object.keys(r.terms)]) as Set<TermName>;
    const scalar = (v: number | undefined): number[] | undefined => (v === undefined ? undefined : [v]);
    for (const t of terms) out.push(entry(o.phase, `term:${t}`, scalar(o.terms[t]), scalar(r.terms[t])));
    out.push(entry(o.phase, 'loss', [o.loss], [r.loss]));
    const grads = [...new Set([...o.grads.keys(), ...r.grads.keys()])].map((name) => entry(o.phase, `grad:${name}`, o.grads.get(name), r.grads.get(name)));
    const phaseMax = Math.max(0, ...grads.map((g) => g.refMax));
    for (const g of grads) {
      const zero = Number.isFinite(g.absErr) && g.refMax <= ZERO_GRADIENT * phaseMax && phaseMax > 0;
      out.push(zero ? { ...g, relErr: g.absErr / phaseMax, against: 'phase' } : g);
    }
  });
  return out;
}
