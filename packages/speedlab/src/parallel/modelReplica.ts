/**
 * The `model` replica: any lib/models model (`createModel(name, config, dataInfo)`) trained by
 * phases (M, C or joint, as lib/train/interleave.ts) with lib/train's Adam and clip-norm.
 * Inputs `x` [rows, L, C], `y` [rows, T, C], `label0…` [rows] int32 (see `modelInputs`).
 */
import type * as tf from '@tensorflow/tfjs';
import { createModel } from 'divelab/lib/models/registry';
import { mixSeed } from 'divelab/lib/util/random';
import { weightedSum, type DataInfo, type Model } from 'divelab/lib/models/types';
import { Adam, DEFAULT_ADAM, type AdamConfig } from 'divelab/lib/train/adam';
import { modelPhases, type Phase, type PhaseName } from 'divelab/lib/train/interleave';
import type { InputSpec, Replica, ShardInfo } from './types';
import type { SharedAdamConfig } from './sharedAdam';

/** Configuration of a `model` replica. */
export interface ModelReplicaConfig {
  /** Registry name of lib/models (e.g. "deepdive"). */
  model: string;
  /** Partial model config (merged over the model's defaults by createModel). */
  modelConfig: unknown;
  dataInfo: DataInfo;
  /** Phases this trainer steps, by index (e.g. ['M', 'C'] or ['joint']). */
  phases: PhaseName[];
  /** Default DEFAULT_ADAM. */
  adam?: AdamConfig;
  /** Gradient clipping by global norm of the averaged gradient; ≤ 0 disables. Default 0. */
  clipNorm?: number;
}

/**
 * The `model` replica: a lib/models model with lib/train's per-phase Adam update.
 *
 * Exactness caveat: the reparameterisation noise of lib/models is drawn for the tensor it is
 * given, so each shard draws its own noise (seed mixed from the step, phase and shard offset):
 * the averaged gradient equals a full-batch gradient in distribution, not bit for bit, and
 * terms that are not per-sample means (β-TCVAE's minibatch-weighted total correlation) are
 * estimated per shard. Deterministic per-sample terms (forecast, CE, recon with noise off)
 * average exactly.
 */
export class ModelReplica implements Replica {
  readonly phases: number;
  readonly model: Model;
  private readonly phaseList: Phase[];
  private readonly optimizer: Adam;
  /** lib/train's Adam with the configured clip-norm, for the sharded update. */
  readonly adam: SharedAdamConfig;
  private readonly clipNorm: number;

  constructor(private readonly c: ModelReplicaConfig, private readonly seed: number) {
    this.model = createModel(c.model, { ...(c.modelConfig as object), seed }, c.dataInfo);
    const ph = modelPhases(this.model);
    this.phaseList = c.phases.map((name) => {
      const p = ph[name];
      if (!p) throw new Error(`model '${c.model}' has no phase ${name} (it has ${Object.keys(ph).join(', ')})`);
      return p;
    });
    this.phases = this.phaseList.length;
    this.optimizer = new Adam(c.adam ?? DEFAULT_ADAM);
    this.clipNorm = c.clipNorm ?? 0;
    this.adam = { ...(c.adam ?? DEFAULT_ADAM), clipNorm: this.clipNorm };
  }

  private params(phase: number) {
    const p = this.phaseList[phase];
    return this.model.params.all().filter((q) => p.groups.includes(q.group));
  }

  variables(phase: number): readonly tf.Variable[] {
    return this.params(phase).map((p) => p.variable);
  }

  loss(inputs: Readonly<Record<string, tf.Tensor>>, shard: ShardInfo, step: number, phase: number): tf.Scalar {
    const p = this.phaseList[phase];
    const labels = this.c.dataInfo.labels.map((_, i) => inputs[`label${i}`] as tf.Tensor1D);
    const batch = { x: inputs.x as tf.Tensor3D, y: inputs.y as tf.Tensor3D, labels };
    const terms = this.model.losses(batch, { noiseSeed: mixSeed(this.seed, step, phase, shard.offset) }, p.terms);
    return weightedSum(terms, this.model.objective.weights, p.terms);
  }

  applyGradients(grads: readonly tf.Tensor[], _step: number, phase: number): void {
    const named = this.params(phase).map((p, i) => ({ name: p.name, variable: p.variable, grad: grads[i] }));
    this.optimizer.step(named, this.clipNorm).dispose();
  }

  dispose(): void {
    this.optimizer.dispose();
    this.model.dispose();
  }
}

/** The inputs of a `model` replica for its data geometry. */
export function modelInputs(info: DataInfo): InputSpec[] {
  return [
    { name: 'x', rowShape: [info.inputLength, info.channels], dtype: 'float32' },
    { name: 'y', rowShape: [info.targetLength, info.channels], dtype: 'float32' },
    ...info.labels.map((_, i) => ({ name: `label${i}`, rowShape: [], dtype: 'int32' as const })),
  ];
}
