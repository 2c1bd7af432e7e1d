import type { MetricCard } from './card';

export const converged: MetricCard = {
  key: 'converged',
  label: 'converged (early stopping)',
  better: null,
  doc: "Whether training ended by its early-stopping rule (1) or by the epoch cap (0: still improving when stopped, not a converged result; lib/train/trainer.ts StopReason); for a companion pipeline, whether every stage with a stopping rule stopped by it (Detaux: stage 1's criterion and every stage-3 run); null for models without parameters.",
  of: (r) => {
    if (r.pipeline && typeof r.pipeline.converged === 'number') return r.pipeline.converged;
    return r.training && r.learns && r.training.stopReason !== 'no-training' ? (r.training.stopReason === 'early-stopping' ? 1 : 0) : null;
  },
};
