/**
 * The FactorVAE score (lib/eval/disentanglement/factorVae.ts) against the metric properties of
 * issue 12. The control, a vote that takes the argmin of the raw batch variance without dividing
 * by the global variance, fails the rescaling property.
 */
import { describe, expect, it } from 'vitest';
import {
  drawVotes,
  factorVaeScore,
  groupByLevel,
  majorityVote,
  voteAccuracy,
  type FactorVaeConfig,
} from '../../../lib/eval/disentanglement/factorVae';
import { factorLevels } from '../../../lib/eval/disentanglement/sample';
import { makeRng } from '../../../lib/util/random';
import * as F from './fixtures';

const K = F.LEVELS.length;
const FAST: FactorVaeConfig = { trainVotes: 2000, evalVotes: 2000, seed: 5 };
type Metric = (s: F.Split) => number;

const realScore: Metric = (s) => factorVaeScore(s.train, s.test, FAST).score;

/** Control: the same pipeline, but each vote takes the argmin of the raw batch variance (no division by s_j²). */
const unnormalisedScore: Metric = (s) => {
  const levels = factorLevels([s.train, s.test]);
  const active = Array.from({ length: s.train.codeDims }, (_, j) => j);
  const ones = new Float64Array(active.length).fill(1);
  const rng = makeRng(FAST.seed as number);
  const votes = drawVotes(s.train, groupByLevel(s.train, levels), active, ones, FAST.trainVotes as number, 64, rng);
  const classifier = majorityVote(votes, active, K, s.train.codeDims);
  const evalVotes = drawVotes(s.test, groupByLevel(s.test, levels), active, ones, FAST.evalVotes as number, 64, rng);
  return voteAccuracy(evalVotes, classifier, K, s.train.codeDims);
};

const identity = F.makeSplit(2000, 1000, F.LEVELS, 41, (f, r) => ({ codes: F.withNuisance(F.identityCodes(f), K, 1, r), dims: K + 1 }));
const noise = F.makeSplit(2000, 1000, F.LEVELS, 42, (f, r) => ({ codes: F.noiseCodes(f.length / K, K + 1, r), dims: K + 1 }));
const noisy = F.makeSplit(2000, 1000, F.LEVELS, 43, (f, r) => F.noisyIdentity(f, K, 1.2, 1, r));
const exact = F.makeSplit(2000, 1000, F.LEVELS, 44, (f) => ({ codes: F.identityCodes(f), dims: K }));
const moveCodes = (s: F.Split): F.Split =>
  F.mapCodes(s, (c, d) => ({ codes: F.permuteRescale(c, d, [3, 0, 4, 2, 1], [2, -0.5, 3, -1, 0.1], [5, 0, -7, 1, 0]), dims: d }));

const rescaleProperty = (m: Metric): boolean => Math.abs(m(moveCodes(noisy)) - m(noisy)) < 1e-12;

describe('FactorVAE score properties', () => {
  it('scores 1 for codes equal to the factors (plus a nuisance code)', () => {
    const r = factorVaeScore(identity.train, identity.test, FAST);
    expect(r.score).toBe(1);
    expect(r.trainAccuracy).toBe(1);
    expect(r.activeDims).toBe(K + 1);
    expect(Array.from(r.classifier.subarray(0, K))).toEqual([0, 1, 2, 3]);
  });

  it('scores pure noise at chance, 1/K', () => {
    expect(Math.abs(realScore(noise) - 1 / K)).toBeLessThan(0.05);
  });

  it('is unchanged by permuting and rescaling (positive and negative scales) the codes', () => {
    const base = realScore(noisy);
    expect(base).toBeGreaterThan(0.4);
    expect(base).toBeLessThan(0.99);
    expect(rescaleProperty(realScore)).toBe(true);
  });

  it('is lower when two factors are spread over two codes (45° rotation)', () => {
    const rotated = F.mapCodes(exact, (c, d) => ({ codes: F.rotatePair(c, d, 0, 1), dims: d }));
    expect(realScore(rotated)).toBeLessThan(realScore(exact) - 0.1);
  });

  it('prunes codes with global std below 0.05 and scores 0 when none is left', () => {
    const squashed = F.mapCodes(identity, (c, d) => ({ codes: c.map((v, i) => (i % d === 0 ? v * 1e-3 : v)), dims: d }));
    const r = factorVaeScore(squashed.train, squashed.test, FAST);
    expect(r.activeDims).toBe(K);
    expect(r.classifier[0]).toBe(-1);
    const flat = F.mapCodes(identity, (c, d) => ({ codes: c.map((v) => v * 1e-4), dims: d }));
    const none = factorVaeScore(flat.train, flat.test, FAST);
    expect([none.score, none.trainAccuracy, none.activeDims]).toEqual([0, 0, 0]);
  });

  it('is deterministic given the seed, and the seed matters', () => {
    const a = factorVaeScore(noisy.train, noisy.test, FAST);
    const b = factorVaeScore(noisy.train, noisy.test, FAST);
    expect(b).toEqual(a);
    const c = factorVaeScore(noisy.train, noisy.test, { ...FAST, seed: 6 });
    expect(Array.from(c.votes)).not.toEqual(Array.from(a.votes));
  });

  it('rejects a batch of one point', () => {
    expect(() => factorVaeScore(exact.train, exact.test, { batchSize: 1 })).toThrow(/batchSize must be an integer ≥ 2/);
  });

  it('control: votes without the global-variance normalisation fail the rescaling property', () => {
    expect(rescaleProperty(unnormalisedScore)).toBe(false);
    // On unscaled codes it agrees with the real score: the votes are the same draws.
    expect(Math.abs(unnormalisedScore(identity) - realScore(identity))).toBe(0);
  });
});
