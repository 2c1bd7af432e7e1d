import { BENCHMARK_FACTORS } from '../../data/benchmark';
import type { MetricCard } from './card';

/** The record key of the discovered labels' NMI with one true factor: `discoveredNmiRegime`, … */
export function discoveredNmiKey(factor: (typeof BENCHMARK_FACTORS)[number]): string {
  return `discoveredNmi${factor[0].toUpperCase()}${factor.slice(1)}`;
}

/**
 * Detaux: normalised mutual information of the auxiliary labels its stage 2 discovered with each
 * true factor of the benchmark (training windows; lib/eval/cluster.ts `nmi`, arithmetic-mean
 * normalisation). One card per factor, derived from the benchmark's factor list.
 */
export const discoveredNmi: readonly MetricCard[] = BENCHMARK_FACTORS.map((factor) => {
  const key = discoveredNmiKey(factor);
  return {
    key,
    label: `NMI ${factor}`,
    better: null,
    doc: `Detaux: NMI of the discovered auxiliary labels (stage 2) with the true factor '${factor}', training windows (lib/methods/detaux, lib/eval/cluster.ts). Not better or worse in itself: which factor the labels track is the finding.`,
    of: (r) => r.pipeline?.[key] ?? null,
  };
});
