import type { MetricCard } from './card';

export const gradientCosine: MetricCard = {
  key: 'gradientCosine',
  label: 'gradient cosine (forecast, CE)',
  better: null,
  doc: 'Mean cosine between the forecast and CE gradients on the shared trunk over training (lib/train/gradConflict.ts): the premise of interleaving is that it is negative.',
  of: (r) => r.gradientCosine ?? null,
};
