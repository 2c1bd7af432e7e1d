/**
 * A seeded generator of multivariate series with KNOWN generative factors (the ground truth
 * for disentanglement metrics such as MIG). It is the embedded default data set: no files
 * needed, small enough to train on in seconds.
 *
 * Each segment s draws independent factors
 *   regime    ∈ {sine, square, sawtooth, triangle}   (waveform class w)
 *   frequency f ~ U(frequencyRange)   cycles per sample
 *   amplitude A ~ U(amplitudeRange)
 *   phase     φ0 ~ U(0, 2π)            radians at row 0
 *   trend     D ~ U(trendRange)        total linear drift over the segment
 *   noise     σ ~ U(noiseRange)        std of additive Gaussian noise
 * and channel c (of C) at row t is a fixed mixture of the waveform and its quarter-period shift:
 *   x_c(t) = A·(cos θ_c · w(φ_t) + sin θ_c · w(φ_t + π/2)) + D·t/(T−1) + σ·ε,   φ_t = φ0 + 2π f t,
 * with θ_c = π c / C, ε ~ N(0, 1). Waveforms have period 2π and range [−1, 1].
 * Same config + seed → identical values (see util/random.ts).
 *
 * MIG protocol (the defaults): MIG estimates I(z_j; v_k) by plug-in on binned values, so it needs
 * many test windows whose factors vary INDEPENDENTLY. Factors are drawn per segment, so windows
 * of one segment share all factors but the phase; with few segments every factor identifies the
 * segment and all MI values saturate (48 segments × 256 rows gave 92 test windows from 4-5
 * segments, and MIG 0.41 for five of six factors). The defaults therefore use many short
 * segments — one window each — so the ≈ 1,000 test windows are ≈ 1,000 independent draws; the
 * continuous factors are uniform, so the 20 equal-width bins of lib/eval/mig.ts are balanced.
 * tests/data/synthetic-mig.test.ts checks that the true factors score MIG ≈ 1 and noise ≈ 0.
 */
import type { Segment, TimeSeriesDataset } from './types';
import { makeRng } from '../util/random';
import { defaultsOf, parseConfig, z } from '../util/config';

export const REGIMES = ['sine', 'square', 'sawtooth', 'triangle'] as const;
export type Regime = (typeof REGIMES)[number];

/** Factor names, in the order of `WindowBatch.factors` columns. */
export const SYNTHETIC_FACTORS = ['regime', 'frequency', 'amplitude', 'phase', 'trend', 'noise'] as const;

/** A [low, high] range of a uniform factor draw. */
function rangeField(lo: number, hi: number, doc: string, min?: number) {
  const end = min === undefined ? z.number() : z.number().min(min);
  return z
    .tuple([end, end])
    .refine(([a, b]) => a <= b, 'must be [low, high] with low ≤ high')
    .default([lo, hi])
    .describe(doc);
}

export const SyntheticSchema = z.strictObject({
  segments: z.int().min(1).default(10_400).describe(
    'Number of independent segments. With the default window (64 input rows, horizon 16, 80 rows in all) and the by-segment 8:1:1 split, 10,400 gives ≈ 1,040 test windows from ≈ 1,000 independent factor draws (see "MIG protocol" above).',
  ),
  length: z.int().min(1).default(80).describe('Rows per segment (80: exactly one default window per segment).'),
  channels: z.int().min(1).default(3).describe('Channels (mixtures of the waveform).'),
  frequencyRange: rangeField(1 / 48, 1 / 12, 'Frequency range in cycles per sample ([1/48, 1/12]: periods of 12–48 rows).'),
  amplitudeRange: rangeField(0.5, 2, 'Amplitude range.'),
  trendRange: rangeField(-1, 1, 'Range of the total drift over a segment.'),
  noiseRange: rangeField(0.02, 0.2, 'Range of the noise standard deviation.', 0),
  seed: z.int().default(0).describe('Generator seed.'),
});
export type SyntheticConfig = Readonly<z.output<typeof SyntheticSchema>>;
export const DEFAULT_SYNTHETIC: SyntheticConfig = defaultsOf(SyntheticSchema);

/** The factors of one segment (phase = φ0 at row 0). */
export interface SegmentFactors {
  readonly regime: number;
  readonly frequency: number;
  readonly amplitude: number;
  readonly phase: number;
  readonly trend: number;
  readonly noise: number;
}

export interface SyntheticDataset extends TimeSeriesDataset {
  readonly config: SyntheticConfig;
  /** One per segment, same order. */
  readonly factors: readonly SegmentFactors[];
}

const TWO_PI = 2 * Math.PI;

/** Waveform of class `regime` at phase φ (radians): period 2π, range [−1, 1]. */
export function waveform(regime: number, phi: number): number {
  const u = phi / TWO_PI - Math.floor(phi / TWO_PI); // position in the cycle, [0, 1)
  switch (regime) {
    case 0: return Math.sin(phi);
    case 1: return u < 0.5 ? 1 : -1;
    case 2: return 2 * u - 1;
    case 3: return 1 - 4 * Math.abs(u - 0.5);
    default: throw new RangeError(`unknown regime ${regime}`);
  }
}

/** Generate the synthetic data set. */
export function generateSynthetic(partial: Partial<SyntheticConfig> = {}): SyntheticDataset {
  const cfg: SyntheticConfig = parseConfig(SyntheticSchema, partial, 'synthetic');
  const rng = makeRng(cfg.seed);
  const u = (r: readonly [number, number]): number => r[0] + (r[1] - r[0]) * rng.uniform();
  const C = cfg.channels;
  const T = cfg.length;
  const mix = Array.from({ length: C }, (_, c) => [Math.cos((Math.PI * c) / C), Math.sin((Math.PI * c) / C)]);
  const segments: Segment[] = [];
  const factors: SegmentFactors[] = [];
  for (let s = 0; s < cfg.segments; s++) {
    const f: SegmentFactors = {
      regime: rng.int(REGIMES.length),
      frequency: u(cfg.frequencyRange),
      amplitude: u(cfg.amplitudeRange),
      phase: TWO_PI * rng.uniform(),
      trend: u(cfg.trendRange),
      noise: u(cfg.noiseRange),
    };
    const values = new Float32Array(T * C);
    for (let t = 0; t < T; t++) {
      const phi = f.phase + TWO_PI * f.frequency * t;
      const w0 = waveform(f.regime, phi);
      const w1 = waveform(f.regime, phi + Math.PI / 2);
      const drift = T > 1 ? (f.trend * t) / (T - 1) : 0;
      for (let c = 0; c < C; c++) values[t * C + c] = f.amplitude * (mix[c][0] * w0 + mix[c][1] * w1) + drift + f.noise * rng.normal();
    }
    segments.push({ id: `synthetic${s}`, values, length: T, channels: C, segmentLabels: { regime: f.regime } });
    factors.push(f);
  }
  return {
    name: 'synthetic',
    source: `generated(seed=${cfg.seed}, segments=${cfg.segments}, length=${T}, channels=${C})`,
    channelNames: Array.from({ length: C }, (_, c) => `mix${c}`),
    sampleRateHz: 1,
    segments,
    config: cfg,
    factors,
    meta: { factors: [...SYNTHETIC_FACTORS], regimes: [...REGIMES] },
  };
}

/**
 * Ground-truth factors of the window starting at row `start` of segment `segment`, in the order
 * of SYNTHETIC_FACTORS; the phase is the waveform phase at the window's first row, in [0, 2π).
 */
export function windowFactors(d: SyntheticDataset, segment: number, start: number, out: Float32Array, offset: number): void {
  const f = d.factors[segment];
  const phi = f.phase + TWO_PI * f.frequency * start;
  out[offset] = f.regime;
  out[offset + 1] = f.frequency;
  out[offset + 2] = f.amplitude;
  out[offset + 3] = phi - TWO_PI * Math.floor(phi / TWO_PI);
  out[offset + 4] = f.trend;
  out[offset + 5] = f.noise;
}

export function isSyntheticDataset(d: TimeSeriesDataset): d is SyntheticDataset {
  return Array.isArray((d as Partial<SyntheticDataset>).factors);
}
