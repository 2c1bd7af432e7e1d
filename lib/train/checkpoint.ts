/**
 * Checkpoints: one folder, written atomically (lib/util/atomic.ts), so a crash or a diverged run
 * never leaves a half-written checkpoint and the last good one survives.
 *
 *   checkpoint.json   format, model name + full config, data geometry, training config, run
 *                     metadata (data name, seed, …), epoch/step counters, early-stopping state,
 *                     training history, and the index of every tensor in the .bin files
 *   best.bin          the best-validation weights (what `dive evaluate` loads), float32 LE
 *   last.bin          the weights after the last completed epoch (what resuming continues)
 *   adam.bin          Adam moments m, v of every variable (float32 LE)
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { writeDirAtomic } from '../util/atomic';
import { UserError } from '../util/errors';
import type { OutputTarget } from '../util/outputDir';
import { createModel } from '../models/registry';
import type { DataInfo, Model } from '../models/types';
import type { AdamSlotState } from './adam';

export const CHECKPOINT_FORMAT = 'divelab-checkpoint/1';

/** A checkpoint folder as an output target (lib/util/outputDir.ts): ours when it holds checkpoint.json. */
export const CHECKPOINT_TARGET: OutputTarget = { writes: 'a checkpoint folder', ownEntries: ['checkpoint.json'] };

export type Weights = Map<string, Float32Array>;

export interface TensorEntry {
  readonly name: string;
  readonly shape: number[];
  /** Offset in float32 elements. */
  readonly offset: number;
}

export interface CheckpointState {
  readonly format: typeof CHECKPOINT_FORMAT;
  readonly model: string;
  readonly modelConfig: object;
  readonly dataInfo: DataInfo;
  /** Training configuration (lib/train/trainer.ts TrainConfig). */
  readonly train: object;
  /** Free-form run metadata (data name, file, horizon, seed, backend …) for `dive evaluate`. */
  readonly run: Record<string, unknown>;
  /** Completed epochs. */
  readonly epoch: number;
  /** Global optimiser steps so far. */
  readonly step: number;
  readonly bestEpoch: number;
  readonly bestValue: number | null;
  /** Epochs since the last improvement (early-stopping counter). */
  readonly badEpochs: number;
  readonly history: object;
  /** Training ended (epochs exhausted or early stop) at this checkpoint. */
  readonly finished: boolean;
  /** Early stopping fired (a resumed run does not continue). */
  readonly stoppedEarly: boolean;
  /** The learning-rate schedule's state (lib/train/lrSchedule.ts); absent in older checkpoints. */
  readonly lr?: { readonly factor: number; readonly bad: number };
}

interface StoredIndex {
  best: TensorEntry[];
  last: TensorEntry[];
  adam: { name: string; t: number; offset: number; length: number }[];
}

/** Copy every variable's values out (float32, by stable name), read back asynchronously in one batch. */
export async function snapshotWeights(model: Model): Promise<Weights> {
  const params = model.params.all();
  const data = await Promise.all(params.map((p) => p.variable.data()));
  const w: Weights = new Map();
  params.forEach((p, i) => w.set(p.name, Float32Array.from(data[i] as Float32Array)));
  return w;
}

/** Assign saved values to the model's variables (names and sizes must match); anything with a ParamStore will do. */
export function restoreWeights(model: Pick<Model, 'params'>, weights: Weights, where = 'weights'): void {
  for (const p of model.params.all()) {
    const v = weights.get(p.name);
    if (!v) throw new UserError(`${where} lack variable ${p.name}; the checkpoint belongs to another model/config`);
    if (v.length !== p.variable.size) throw new UserError(`${where}: ${p.name} has ${v.length} values, the model expects ${p.variable.size}; the checkpoint belongs to another config`);
    tf.tidy(() => p.variable.assign(tf.tensor(v, p.variable.shape, 'float32')));
  }
}

function pack(weights: Weights, shapes: ReadonlyMap<string, number[]>): { entries: TensorEntry[]; data: Float32Array } {
  const entries: TensorEntry[] = [];
  let n = 0;
  for (const [name, v] of weights) {
    entries.push({ name, shape: shapes.get(name) ?? [v.length], offset: n });
    n += v.length;
  }
  const data = new Float32Array(n);
  for (const e of entries) data.set(weights.get(e.name)!, e.offset);
  return { entries, data };
}

function bytes(a: Float32Array): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

export function shapesOf(model: Model): Map<string, number[]> {
  return new Map(model.params.all().map((p) => [p.name, p.variable.shape.slice()]));
}

/** Write a checkpoint folder atomically (replacing any previous one at `dir`). */
export async function saveCheckpoint(
  dir: string,
  state: CheckpointState,
  shapes: ReadonlyMap<string, number[]>,
  best: Weights,
  last: Weights,
  adam: readonly AdamSlotState[],
): Promise<void> {
  const b = pack(best, shapes);
  const l = pack(last, shapes);
  let n = 0;
  const adamIndex = adam.map((s) => {
    const e = { name: s.name, t: s.t, offset: n, length: s.m.length };
    n += 2 * s.m.length;
    return e;
  });
  const adamData = new Float32Array(n);
  adam.forEach((s, i) => {
    adamData.set(s.m, adamIndex[i].offset);
    adamData.set(s.v, adamIndex[i].offset + s.m.length);
  });
  const index: StoredIndex = { best: b.entries, last: l.entries, adam: adamIndex };
  await writeDirAtomic(dir, (tmp) => {
    fs.writeFileSync(path.join(tmp, 'best.bin'), bytes(b.data));
    fs.writeFileSync(path.join(tmp, 'last.bin'), bytes(l.data));
    fs.writeFileSync(path.join(tmp, 'adam.bin'), bytes(adamData));
    fs.writeFileSync(path.join(tmp, 'checkpoint.json'), `${JSON.stringify({ ...state, tensors: index }, null, 1)}\n`);
  });
}

export interface LoadedCheckpoint {
  readonly state: CheckpointState;
  readonly best: Weights;
  readonly last: Weights;
  readonly adam: AdamSlotState[];
}

function readFloats(file: string): Float32Array {
  if (!fs.existsSync(file)) throw new UserError(`checkpoint file ${file} is missing; the folder is not a complete divelab checkpoint`);
  const buf = fs.readFileSync(file);
  if (buf.byteLength % 4 !== 0) throw new UserError(`checkpoint file ${file} is truncated (${buf.byteLength} bytes); re-run dive train`);
  const out = new Float32Array(buf.byteLength / 4);
  new Uint8Array(out.buffer).set(buf);
  return out;
}

function unpack(entries: TensorEntry[], data: Float32Array, file: string): Weights {
  const w: Weights = new Map();
  for (const e of entries) {
    const len = e.shape.reduce((a, b) => a * b, 1);
    if (e.offset + len > data.length) throw new UserError(`checkpoint file ${file} is shorter than its index (tensor ${e.name}); re-run dive train`);
    w.set(e.name, data.slice(e.offset, e.offset + len));
  }
  return w;
}

/** Read a checkpoint folder (UserError naming the file on anything missing or malformed). */
export function loadCheckpoint(dir: string): LoadedCheckpoint {
  const jsonFile = path.join(dir, 'checkpoint.json');
  if (!fs.existsSync(jsonFile)) throw new UserError(`no checkpoint at ${dir} (missing checkpoint.json); pass the --out folder of a dive train run`);
  let parsed: CheckpointState & { tensors: StoredIndex };
  try {
    parsed = JSON.parse(fs.readFileSync(jsonFile, 'utf8')) as CheckpointState & { tensors: StoredIndex };
  } catch (err) {
    throw new UserError(`${jsonFile} is not valid JSON (${(err as Error).message.split('\n')[0]}); re-run dive train`);
  }
  if (parsed.format !== CHECKPOINT_FORMAT) throw new UserError(`${jsonFile} has format '${String(parsed.format)}', expected '${CHECKPOINT_FORMAT}'`);
  const { tensors, ...state } = parsed;
  const adamData = readFloats(path.join(dir, 'adam.bin'));
  const adam = tensors.adam.map((e) => ({
    name: e.name,
    t: e.t,
    m: adamData.slice(e.offset, e.offset + e.length),
    v: adamData.slice(e.offset + e.length, e.offset + 2 * e.length),
  }));
  return {
    state,
    best: unpack(tensors.best, readFloats(path.join(dir, 'best.bin')), path.join(dir, 'best.bin')),
    last: unpack(tensors.last, readFloats(path.join(dir, 'last.bin')), path.join(dir, 'last.bin')),
    adam,
  };
}

/** Rebuild the model of a checkpoint with its best weights. */
/**
 * Model config of an older checkpoint in today's terms: fields added since keep the behaviour
 * the checkpoint was trained with (DeepDIVE checkpoints without `conditionalTrunk` predate the
 * separate conditional trunk, i.e. 'shared').
 */
export function compatibleConfig(model: string, config: object): object {
  if (model.startsWith('deepdive') && !('conditionalTrunk' in config)) return { ...config, conditionalTrunk: 'shared' };
  return config;
}

export function loadModel(dir: string, which: 'best' | 'last' = 'best'): { model: Model; checkpoint: LoadedCheckpoint } {
  const checkpoint = loadCheckpoint(dir);
  const model = createModel(checkpoint.state.model, compatibleConfig(checkpoint.state.model, checkpoint.state.modelConfig), checkpoint.state.dataInfo);
  try {
    restoreWeights(model, checkpoint[which], path.join(dir, `${which}.bin`));
  } catch (err) {
    model.dispose();
    throw err;
  }
  return { model, checkpoint };
}
