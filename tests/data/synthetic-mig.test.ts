/**
 * The synthetic MIG protocol itself is validated: on the default synthetic test windows, MIG of
 * the TRUE factors (used as codes) is ≈ 1 and MIG of pure-noise codes is ≈ 0, so a model's MIG
 * on this protocol measures the model, not the protocol (enough independent test windows;
 * factors varying independently across segments; continuous factors binned as lib/eval/mig.ts
 * does by default).
 */
import { describe, expect, it } from 'vitest';
import { prepareData } from '../../lib/data/prepare';
import { mig } from '../../lib/eval/mig';
import { makeRng } from '../../lib/util/random';

describe('synthetic MIG protocol (default synthetic data)', () => {
  const p = prepareData('synthetic');
  const F = p.test.factorNames.length;
  const n = p.test.count;
  const factors = p.test.batch(Array.from({ length: n }, (_, i) => i)).factors!;

  it('has at least 1,000 test windows from as many independent segments', () => {
    expect(n).toBeGreaterThanOrEqual(1000);
    expect(new Set(Array.from(p.test.positions.segment)).size).toBeGreaterThanOrEqual(1000);
    expect(p.train.count).toBeGreaterThanOrEqual(8 * n - 100);
  });

  it('MIG of the true factors used as codes is ≈ 1, for every factor', () => {
    const r = mig(factors, F, factors, F);
    expect(r.factorKinds).toEqual(['discrete', 'continuous', 'continuous', 'continuous', 'continuous', 'continuous']);
    expect(r.mig).toBeGreaterThan(0.9);
    for (const g of r.gaps) expect(g).toBeGreaterThan(0.85);
  });

  it('MIG of noise codes is ≈ 0, and one true factor among noise scores only its own gap', () => {
    const rng = makeRng(7);
    const noise = new Float32Array(n * 8);
    for (let i = 0; i < noise.length; i++) noise[i] = rng.normal();
    const r = mig(noise, 8, factors, F);
    expect(r.mig).toBeLessThan(0.05);
    // codes = [amplitude ‖ 7 noise dims]: gap ≈ 1 for amplitude only → MIG ≈ 1/6
    const mixed = Float32Array.from(noise);
    for (let i = 0; i < n; i++) mixed[i * 8] = factors[i * F + 2];
    const m = mig(mixed, 8, factors, F);
    expect(m.gaps[2]).toBeGreaterThan(0.85);
    expect(m.mig).toBeGreaterThan(0.85 / F);
    expect(m.mig).toBeLessThan(1.1 / F + 0.05);
  });
});
