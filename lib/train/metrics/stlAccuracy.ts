import type { MetricCard } from './card';

export const stlAccuracy: MetricCard = {
  key: 'stlAccuracy',
  label: 'principal-task accuracy (STL)',
  better: 'higher',
  doc: 'Detaux: principal-task accuracy of single-task learning (the principal head alone, same trunk and budget), ID test (mean over its stage-3 seeds; lib/methods/detaux) — the baseline of principalAccuracy.',
  of: (r) => r.pipeline?.stlAccuracy ?? null,
};
