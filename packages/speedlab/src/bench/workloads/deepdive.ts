/**
 * Workloads `deepdive-electricity` and `deepdive-gait`: one interleaved DeepDIVE training step
 * (phase M then phase C on the same batch, as after the warm-up epochs of lib/train) with the
 * default training config (lib/train: batch 64, Adam 1e-3, clip-norm 5):
 * - `deepdive-electricity`: the LSTNet electricity shape — 321 series, 168-row windows, horizon
 *   24, max-abs scaling, LSTNet split — on generated data of that shape (26,304 rows,
 *   lib/data/lstnetGenerated.ts; the same on every machine), with DeepDIVE as configured for it
 *   (`dataModelConfig`: the channel-shared `channel-mlp` trunk; the decoder reconstructs all
 *   168 × 321 inputs). Peak RSS is reported by `dive bench` (target < 2 GB).
 * - `deepdive-gait`: real gaitndd windows (the gait table's data; synthetic when absent), the
 *   default model.
 *
 * FLOPs per step = 3 × the matmul FLOPs of the two phases' forward passes (loss terms each
 * phase needs), counted from the kernels actually run (./flops.ts) at set-up; elementwise,
 * recurrent gate and optimizer work is not counted.
 *
 * Data-parallel version (`wasm-parallel`): the same model, data and phases trained by
 * lib/parallel's `model` replica (each worker a shard of the batch, gradients averaged, the
 * sharded Adam with the same clip-norm). Its reparameterisation noise is drawn per shard
 * (src/parallel/modelReplica.ts), so its losses follow the single-thread ones in
 * distribution, not number for number.
 */
import * as tf from '@tensorflow/tfjs';
import { prepareData, prepareDataset, type Prepared } from 'divelab/lib/data/prepare';
import { generateLstnetShaped, LSTNET_ELECTRICITY_SHAPE } from 'divelab/lib/data/lstnetGenerated';
import { chooseData } from 'divelab/lib/study/run/dataChoice';
import { createModel, type Model, type TensorBatch } from 'divelab/lib/models/index';
import { mixSeed } from 'divelab/lib/util/random';
import { dataModelConfig } from 'divelab/lib/models/registry';
import { Adam, DEFAULT_ADAM } from 'divelab/lib/train/adam';
import { DEFAULT_TRAIN, readSteps, trainStep, type PendingStep } from 'divelab/lib/train/trainer';
import { modelPhases, type Phase } from 'divelab/lib/train/interleave';
import { dataInfoOf, disposeBatch, toTensors } from 'divelab/lib/train/batches';
import { makeRng, permutation } from 'divelab/lib/util/random';
import { countMatMulFlops } from '../flops';
import type { Workload, WorkloadInstance } from '../types';
import type { WindowBatch } from 'divelab/lib/data/types';
import { DataParallelTrainer } from '../../parallel/trainer';
import { modelInputs, type ModelReplicaConfig } from '../../parallel/modelReplica';

/** The FLOP formula of the step as printed in results (ours, the data-parallel one and PyTorch's). */
export const STEP_FLOP_FORMULA = '3 × matmul FLOPs of the phase-M and phase-C forward passes, counted from the kernels run';

/** Distinct training batches cycled through (materialised once, outside the timing). */
const BATCHES = 4;

/** One training step of a model: each of its phases on one batch, Adam with the default config (also the GRU's workload, ./gru.ts). */
export class ModelStepInstance implements WorkloadInstance {
  flopsPerStep = 0;
  private steps = 0;
  private readonly adam = new Adam({ ...DEFAULT_ADAM, lr: DEFAULT_TRAIN.lr });

  constructor(
    private readonly model: Model,
    private readonly batches: TensorBatch[],
    private readonly phases: Phase[],
    private readonly seed: number,
    readonly note: string,
    readonly flopFormula: string = STEP_FLOP_FORMULA,
  ) {}

  async countFlops(): Promise<void> {
    this.flopsPerStep = await stepFlops(this.model, this.batches[0], this.phases);
  }

  async step(): Promise<number> {
    const batch = this.batches[this.steps % this.batches.length];
    const pending: PendingStep[] = this.phases.map((phase, pi) => ({
      step: trainStep(this.model, batch, phase, mixSeed(this.seed, this.steps, pi), this.adam, DEFAULT_TRAIN.clipNorm),
      where: `bench step ${this.steps + 1}`,
      phase: phase.name,
    }));
    this.steps++;
    // One read-back per step (the trainer reads once per epoch): the timing includes the queued work.
    return (await readSteps(pending)).reduce((s, r) => s + r.loss, 0);
  }

  dispose(): void {
    this.adam.dispose();
    this.batches.forEach(disposeBatch);
    this.model.dispose();
  }
}

/** 3 × the matmul FLOPs of the phases' forward passes on `batch`, counted from the kernels run. */
export async function stepFlops(model: Model, batch: TensorBatch, phases: readonly Phase[]): Promise<number> {
  let forward = 0;
  for (const phase of phases) {
    forward += await countMatMulFlops(() => {
      const terms = model.losses(batch, { noiseSeed: 1 }, phase.terms);
      return Object.values(terms).filter((t): t is tf.Scalar => t !== undefined);
    });
  }
  return 3 * forward;
}

/** The data-parallel step: the batch goes into the shared inputs once, then one trainer step per phase. */
class ParallelDeepDiveInstance implements WorkloadInstance {
  readonly flopFormula = STEP_FLOP_FORMULA;
  private steps = 0;

  constructor(
    private readonly trainer: DataParallelTrainer,
    private readonly batches: WindowBatch[],
    private readonly phases: number,
    readonly flopsPerStep: number,
    readonly note: string,
  ) {}

  step(): number {
    const b = this.batches[this.steps % this.batches.length];
    const inputs: Record<string, ArrayLike<number>> = { x: b.x, y: b.y };
    b.labels.forEach((l, i) => (inputs[`label${i}`] = l));
    this.trainer.setBatch(inputs, b.size);
    let loss = 0;
    for (let p = 0; p < this.phases; p++) loss += this.trainer.step(b.size, p);
    this.steps++;
    return loss;
  }

  dispose(): void {
    this.trainer.dispose();
  }
}

/** The prepared data, a note on it, and the model config of a family's workload. */
function workloadData(family: 'electricity' | 'gait', seed: number): { data: Prepared; note: string; modelConfig: Record<string, unknown> } {
  if (family === 'electricity') {
    const data = prepareDataset(generateLstnetShaped({ seed: 0 }), { seed }, 'electricity-lstnet');
    const note = `electricity-lstnet shape, generated: ${LSTNET_ELECTRICITY_SHAPE.rows} rows × ${LSTNET_ELECTRICITY_SHAPE.series} series (lib/data/lstnetGenerated.ts)`;
    return { data, note, modelConfig: dataModelConfig('deepdive', 'electricity-lstnet') };
  }
  const choice = chooseData(family);
  return { data: prepareData(choice.data, { seed }), note: `${choice.data}: ${choice.note}`, modelConfig: dataModelConfig('deepdive', choice.data) };
}

/** BATCHES distinct training batches of a seeded permutation (views into the windows). */
export function benchBatches(data: Prepared, seed: number, batchSize: number): WindowBatch[] {
  const order = permutation(data.train.count, makeRng(mixSeed(seed, 0x5eed)));
  const n = Math.min(BATCHES, Math.floor(data.train.count / batchSize));
  if (n < 1) throw new Error(`the workload's data have ${data.train.count} training windows, fewer than one batch of ${batchSize}`);
  return Array.from({ length: n }, (_, i) => data.train.batch(order.subarray(i * batchSize, (i + 1) * batchSize)));
}

/** What a family's workload is made of: the same in our step, the data-parallel one and PyTorch's (../torch.ts). */
export interface DeepDiveSetup {
  /** The seeded model (the caller disposes it). */
  readonly model: Model;
  readonly data: Prepared;
  /** The BATCHES training batches the step cycles through. */
  readonly batches: WindowBatch[];
  /** Phase M then phase C (or the joint phase of a model without labels). */
  readonly phases: Phase[];
  readonly note: string;
  readonly modelConfig: Record<string, unknown>;
}

/** The model, data, batches and phases of `deepdive-<family>` with `seed`. */
export function deepdiveSetup(family: 'electricity' | 'gait', seed: number): DeepDiveSetup {
  const { data, note, modelConfig } = workloadData(family, seed);
  const model = createModel('deepdive', { ...modelConfig, seed }, dataInfoOf(data));
  const ph = modelPhases(model);
  const phases = ph.M && ph.C ? [ph.M, ph.C] : [ph.joint];
  return { model, data, batches: benchBatches(data, seed, DEFAULT_TRAIN.batchSize), phases, note, modelConfig };
}

/** The family of a `deepdive-*` workload name, or undefined for another workload. */
export function deepdiveFamily(name: string): 'electricity' | 'gait' | undefined {
  return name === 'deepdive-electricity' ? 'electricity' : name === 'deepdive-gait' ? 'gait' : undefined;
}

/** The DeepDIVE workload of one data family. */
export function deepdiveWorkload(family: 'electricity' | 'gait'): Workload {
  const batchSize = DEFAULT_TRAIN.batchSize;
  return {
    name: `deepdive-${family}`,
    description:
      family === 'electricity'
        ? `DeepDIVE for the LSTNet shape (channel-mlp trunk), interleaved M + C step, batch ${batchSize}, on generated 26,304 × 321 hourly data, window 168, horizon 24`
        : `DeepDIVE (default config), interleaved M + C step, batch ${batchSize}, on gaitndd windows (synthetic when absent)`,
    samplesPerStep: batchSize,
    async create(seed) {
      const { model, data, batches, phases, note } = deepdiveSetup(family, seed);
      const inst = new ModelStepInstance(model, batches.map((b) => toTensors(b, data.train)), phases, seed, note);
      await inst.countFlops();
      return inst;
    },
    async createParallel(seed, options) {
      // The FLOP count needs the model once on this thread's backend.
      const { model, data, batches, phases, note, modelConfig } = deepdiveSetup(family, seed);
      const info = model.dataInfo;
      const tb = toTensors(batches[0], data.train);
      let flops: number;
      try {
        flops = await stepFlops(model, tb, phases);
      } finally {
        disposeBatch(tb);
        model.dispose();
      }
      const config: ModelReplicaConfig = {
        model: 'deepdive',
        modelConfig,
        dataInfo: info,
        phases: phases.map((p) => p.name),
        adam: { ...DEFAULT_ADAM, lr: DEFAULT_TRAIN.lr },
        clipNorm: DEFAULT_TRAIN.clipNorm,
      };
      const trainer = await DataParallelTrainer.create({
        replica: { kind: 'model', config, seed },
        inputs: modelInputs(info),
        maxRows: batchSize,
        workers: options.workers,
        ...(options.fastKernels === undefined ? {} : { fastKernels: options.fastKernels }),
      });
      return new ParallelDeepDiveInstance(trainer, batches, phases.length, flops, note);
    },
  };
}
