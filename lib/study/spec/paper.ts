/**
 * The numbers the DeepDIVE paper reports, copied from `docs/paper.md` §7
 * ("Reported numbers (secondary source; use as orientation, not ground truth)").
 *
 * Provenance: N. Y. L. Wong, E. Y. Cheu, Z. Chiam, D. Srinivasan, "Disentangled Interleaving
 * Variational Encoding", arXiv 2501.08710 (v2). The values come from a third-party full-text
 * reading, NOT checked against the PDF — every table labels them "reported (secondary source)".
 * The gait RRSE values are above 1, which implies a scaling the paper does not state (a plain
 * RRSE of 1 equals predicting the mean), so they are not comparable in level with ours.
 */
import type { PaperValue } from './types';

export const PAPER_CITATION = 'Wong, Cheu, Chiam, Srinivasan: Disentangled Interleaving Variational Encoding, arXiv 2501.08710 (v2)';
export const PAPER_PROVENANCE = 'reported (secondary source): docs/paper.md §7, a third-party reading of the paper, not checked against the PDF';

/** Models of the paper's main tables, keyed by our model registry names. */
export type PaperModel = 'deepdive' | 'deepdive-a' | 'deepdive-b' | 'beta-tcvae';

const v = (value: number, approximate = false): PaperValue => (approximate ? { value, approximate } : { value });

/** Gait (GaitMotion): reconstruction RRSE, forecast RRSE, MIG. */
export const PAPER_GAIT: Readonly<Record<PaperModel, { reconRrse: PaperValue; forecastRrse: PaperValue; mig: PaperValue }>> = {
  deepdive: { reconRrse: v(11.16), forecastRrse: v(16.06), mig: v(0.047) },
  'deepdive-a': { reconRrse: v(11.88), forecastRrse: v(16.44), mig: v(0.016) },
  'deepdive-b': { reconRrse: v(28.23), forecastRrse: v(27.73), mig: v(0.046) },
  'beta-tcvae': { reconRrse: v(29.36), forecastRrse: v(33.77), mig: v(0.008) },
};

/** Electricity (LSTNet, 321 clients): reconstruction RRSE and forecast RRSE at horizon 24. */
export const PAPER_ELECTRICITY: Readonly<Record<PaperModel, { reconRrse: PaperValue; forecastRrse: PaperValue }>> = {
  deepdive: { reconRrse: v(1.58), forecastRrse: v(0.0998) },
  'deepdive-a': { reconRrse: v(2.556), forecastRrse: v(0.1062) },
  'deepdive-b': { reconRrse: v(7.478), forecastRrse: v(0.1048) },
  'beta-tcvae': { reconRrse: v(8.641), forecastRrse: v(0.1048) },
};

/** Electricity forecast RRSE by horizon (3, 6, 12, 24); AutoCTS and LightCTS are the paper's references. */
export const PAPER_HORIZONS: Readonly<Record<string, Readonly<Record<number, PaperValue | undefined>>>> = {
  deepdive: { 3: v(0.0887), 6: v(0.0911), 12: v(0.0995), 24: v(0.1, true) },
  AutoCTS: { 3: v(0.0743), 6: v(0.0865), 12: v(0.0932), 24: v(0.0947) },
  LightCTS: { 3: v(0.0736), 6: v(0.0831) },
};

/** Paper-only reference models of the horizons table (no implementation here). */
export const PAPER_ONLY_REFERENCES = ['AutoCTS', 'LightCTS'] as const;

export function isPaperModel(model: string): model is PaperModel {
  return model in PAPER_GAIT;
}

/** "0.0998", or "≈0.1000" for approximate values, with `digits` decimals. */
export function formatPaperValue(p: PaperValue | undefined, digits: number): string {
  if (!p) return '—';
  return `${p.approximate ? '≈' : ''}${p.value.toFixed(digits)}`;
}
