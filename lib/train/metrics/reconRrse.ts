import type { MetricCard } from './card';

export const reconRrse: MetricCard = {
  key: 'reconRrse',
  label: 'recon. RRSE',
  better: 'lower',
  doc: 'Reconstruction RRSE of x̂ against the input window x, original units; models with a decoder only (lib/train/evaluate.ts).',
  of: (r) => (r.test?.reconstruction ? r.test.reconstruction.rrseOriginal : null),
};
