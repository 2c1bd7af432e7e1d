/**
 * DeepDIVE against its PyTorch reference (src/bench/torch_deepdive.py), loaded with our weights,
 * batch and drawn noise: every loss term, each phase's weighted loss and its gradient with
 * respect to every variable of the phase equal ours within 1e-4 relative (the reference in
 * float64; ours on the wasm backend with the speed lab's kernels, as training runs). Needs
 * Debian's python3-torch for /usr/bin/python3 (or DIVE_PYTHON); without it the suite is
 * skipped and says why.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '../../../../lib/backend/select';
import { prepareData, prepareDataset, type Prepared } from '../../../../lib/data/prepare';
import { generateLstnetShaped } from '../../../../lib/data/lstnetGenerated';
import { createModel, type Model, type TensorBatch } from '../../../../lib/models/index';
import { dataModelConfig } from '../../../../lib/models/registry';
import { dataInfoOf, disposeBatch, range, toTensors } from '../../../../lib/train/batches';
import { modelPhases, type Phase } from '../../../../lib/train/interleave';
import { Adam, DEFAULT_ADAM } from '../../../../lib/train/adam';
import { DEFAULT_TRAIN, readSteps, trainStep } from '../../../../lib/train/trainer';
import { mixSeed } from '../../../../lib/util/random';
import { pythonPath } from '../../../../lib/util/python';
import { registerFastWasmKernels } from '../../src/kernels';
import { compareParity, ourPassValues, recordNoise, referenceValues, writeDeepdiveBundle, type PassValues, type ReferencePass } from '../../src/bench/torchDeepdive';
import { TORCH_INSTALL } from '../../src/bench/torchChild';

const TOLERANCE = 1e-4;

const torchMissing = spawnSync(pythonPath(), ['-c', 'import torch'], { stdio: 'ignore' }).status !== 0;
const reason = torchMissing ? `PyTorch is not installed for ${pythonPath()}: ${TORCH_INSTALL} (Debian), or set DIVE_PYTHON` : undefined;
if (reason) console.warn(`torchDeepdive.test: skipped: ${reason}`);

interface Case {
  title: string;
  data: () => Prepared;
  config: (data: string) => Record<string, unknown>;
  /** Interleaved training steps before the check (so zero-initialised weights have moved). */
  trainSteps: number;
}

const synthetic = (): Prepared => prepareData('synthetic', { synthetic: { segments: 12, length: 96 }, inputLength: 24, horizon: 8, targetLength: 8, stride: 4 });
// The electricity workload's shape in small: 6 series, hourly, with the cyclic hour/weekday/month labels.
const lstnetSmall = (): Prepared => prepareDataset(generateLstnetShaped({ rows: 1500, series: 6, seed: 1 }), { seed: 0 }, 'electricity-lstnet');

const CASES: Case[] = [
  { title: 'default DeepDIVE (mlp trunks, cross-attention, dropout) on synthetic data, initial weights', data: synthetic, config: () => ({ seed: 1 }), trainSteps: 0 },
  {
    title: "the electricity configuration (channel-mlp trunk, cyclic labels on circles) with affine RevIN, after 3 training steps",
    data: lstnetSmall,
    config: (d) => ({ ...dataModelConfig('deepdive', d), revin: 'affine', seed: 2 }),
    trainSteps: 3,
  },
  {
    title: 'ablation settings: shared trunk, concat fusion, code+features, one RBF width per label, cyclic labels on lines, plain RevIN, no highway',
    data: lstnetSmall,
    config: () => ({ seed: 3, conditionalTrunk: 'shared', fusion: 'concat', forecasterInput: 'code+features', rbfSharedWidth: true, cyclicLabels: 'line', revin: 'plain', highway: 0 }),
    trainSteps: 2,
  },
  { title: 'deepdive-a (no marginal code: one joint phase), no dropout', data: synthetic, config: () => ({ seed: 4, useB: false, dropout: 0 }), trainSteps: 1 },
];

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

/** The model's phases: M and C for DeepDIVE with labels, and the joint ablation phase. */
function checkedPhases(model: Model): Phase[] {
  const ph = modelPhases(model);
  return [ph.M, ph.C, ph.joint].filter((p): p is Phase => p !== undefined);
}

/** Our values and the passes (with our noise) of every phase on `batch`. */
function ourSide(model: Model, batch: TensorBatch, phases: Phase[], seed: number): { ours: PassValues[]; passes: ReferencePass[] } {
  const ours: PassValues[] = [];
  const passes: ReferencePass[] = [];
  phases.forEach((phase, pi) => {
    const noiseSeed = mixSeed(seed, 1000, pi);
    // One forward pass of the phase's terms, for the noise it draws (nothing kept).
    const { noise } = recordNoise(noiseSeed, () => tf.tidy(() => void model.losses(batch, { noiseSeed }, phase.terms)));
    passes.push({ phase, batch: 0, noise });
    ours.push(ourPassValues(model, batch, phase, noiseSeed));
  });
  return { ours, passes };
}

describe.skipIf(reason !== undefined)(`DeepDIVE against its PyTorch reference${reason ? ` (skipped: ${reason})` : ''}`, () => {
  beforeAll(async () => {
    await initBackend('wasm');
    registerFastWasmKernels();
  });

  for (const c of CASES) {
    it(`losses and gradients equal within 1e-4: ${c.title}`, async () => {
      const data = c.data();
      const model = createModel('deepdive', c.config(data.dataset.name), dataInfoOf(data));
      const batch = toTensors(data.train.batch(range(0, Math.min(16, data.train.count))), data.train);
      const adam = new Adam({ ...DEFAULT_ADAM, lr: DEFAULT_TRAIN.lr });
      try {
        const phases = checkedPhases(model);
        const ph = modelPhases(model);
        const train = ph.M && ph.C ? [ph.M, ph.C] : [ph.joint];
        for (let s = 0; s < c.trainSteps; s++) {
          await readSteps(train.map((p, pi) => ({ step: trainStep(model, batch, p, mixSeed(7, s, pi), adam, DEFAULT_TRAIN.clipNorm), where: `step ${s}`, phase: p.name })));
        }
        const { ours, passes } = ourSide(model, batch, phases, 11);
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dive-parity-'));
        dirs.push(dir);
        writeDeepdiveBundle(dir, model, [batch], phases, passes);
        const ref = await referenceValues(dir);
        if (!ref.ok) throw new Error(ref.reason);
        // The reference derives the term weights itself (β_a = 2/(L·C) and the config's λ, β_b).
        for (const p of ref.passes) for (const [t, w] of Object.entries(model.objective.weights)) expect(p.weights[t], t).toBeCloseTo(w, 12);
        // Every trainable variable has a gradient in the joint phase; M and C split them.
        const all = model.params.all().map((p) => p.name).sort();
        expect([...ref.passes.find((p) => p.phase === 'joint')!.grads.keys()].sort()).toEqual(all);
        if (ph.M && ph.C) expect([...ours[0].grads.keys(), ...ours[1].grads.keys()].sort()).toEqual(all);
        const entries = compareParity(ours, ref.passes);
        const bad = entries.filter((e) => !(e.relErr <= TOLERANCE));
        const worst = entries.reduce((a, b) => (b.relErr > a.relErr ? b : a));
        const zero = entries.filter((e) => e.against === 'phase').map((e) => `${e.phase} ${e.what}`);
        console.log(`${c.title}: ${entries.length} quantities, worst relative error ${worst.relErr.toExponential(2)} (${worst.phase} ${worst.what}); zero reference gradients: ${zero.join(', ') || 'none'}`);
        expect(bad, `beyond ${TOLERANCE}: ${bad.map((e) => `${e.phase} ${e.what} ${e.relErr}`).join('; ')}`).toEqual([]);
        // Every term the phases name was compared.
        for (const [i, phase] of phases.entries()) for (const t of phase.terms) expect(Object.keys(ours[i].terms)).toContain(t);
      } finally {
        adam.dispose();
        disposeBatch(batch);
        model.dispose();
      }
    }, 120_000);
  }

  it('tells noise apart: the reference given another step\'s noise differs from ours beyond the tolerance', async () => {
    const data = synthetic();
    const model = createModel('deepdive', { seed: 1 }, dataInfoOf(data));
    const batch = toTensors(data.train.batch(range(0, 16)), data.train);
    try {
      const phases = checkedPhases(model);
      const { ours } = ourSide(model, batch, phases, 11);
      const { passes: other } = ourSide(model, batch, phases, 12);
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dive-parity-'));
      dirs.push(dir);
      writeDeepdiveBundle(dir, model, [batch], phases, other);
      const ref = await referenceValues(dir);
      if (!ref.ok) throw new Error(ref.reason);
      const entries = compareParity(ours, ref.passes);
      expect(entries.find((e) => e.phase === 'C' && e.what === 'term:recon')!.relErr).toBeGreaterThan(TOLERANCE);
      expect(entries.find((e) => e.phase === 'M' && e.what === 'term:ce')!.relErr).toBeGreaterThan(TOLERANCE);
    } finally {
      disposeBatch(batch);
      model.dispose();
    }
  }, 120_000);
});
