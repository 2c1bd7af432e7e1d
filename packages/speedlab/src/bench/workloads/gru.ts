/**
 * Workload `gru-electricity`: one training step of the GRU reference (lib/models/gru.ts, default
 * config: 64 units over the 168-row window, then Dense to the T_out × C targets) on the
 * electricity family's data (ETTh1 where LSTNet electricity is absent, synthetic without either),
 * batch 64, Adam with the default training config. Its recurrence is the named op
 * gruRecurrence: per-step tfjs kernels on `wasm-reference`, one fused call each way on `wasm`
 * with OpenBLAS (docs/performance.md §13).
 *
 * FLOPs per step = 3 × the forward pass's matrix products, counted analytically (the fused
 * recurrence runs no tfjs product kernel to count): 2·B·(T·(C·3H + 2H·H + H·H) + H·H + H·T_out·C).
 */
import { chooseData } from 'divelab/lib/study/run/dataChoice';
import { prepareData } from 'divelab/lib/data/prepare';
import { createModel } from 'divelab/lib/models/index';
import { defaultConfig } from 'divelab/lib/models/registry';
import { DEFAULT_TRAIN } from 'divelab/lib/train/trainer';
import { modelPhases } from 'divelab/lib/train/interleave';
import { dataInfoOf, toTensors } from 'divelab/lib/train/batches';
import type { Workload } from '../types';
import { benchBatches, ModelStepInstance } from './deepdive';

const FLOP_FORMULA = '3 × the forward matrix products, counted analytically: 2·B·(T·(C·3H + 3H²) + H² + H·T_out·C)';

export function gruWorkload(): Workload {
  const batchSize = DEFAULT_TRAIN.batchSize;
  return {
    name: 'gru-electricity',
    description: `GRU reference (64 units over the 168-row window), one step, batch ${batchSize}, on the electricity family's data (ETTh1 when LSTNet electricity is absent)`,
    samplesPerStep: batchSize,
    async create(seed) {
      const choice = chooseData('electricity');
      const data = prepareData(choice.data, { seed });
      const model = createModel('gru', { seed }, dataInfoOf(data));
      const inst = new ModelStepInstance(model, benchBatches(data, seed, batchSize).map((b) => toTensors(b, data.train)), [modelPhases(model).joint], seed, `${choice.data}: ${choice.note}`, FLOP_FORMULA);
      const { inputLength: T, targetLength: out, channels: C } = model.dataInfo;
      const H = (defaultConfig('gru') as { trunk: { hidden: number } }).trunk.hidden;
      inst.flopsPerStep = 3 * 2 * batchSize * (T * (C * 3 * H + 3 * H * H) + H * H + H * out * C);
      return inst;
    },
  };
}
