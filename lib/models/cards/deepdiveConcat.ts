import { DeepDive, DeepDiveSchema } from '../deepdive';
import { defineModelCard } from '../card';
import { deepdive } from './deepdive';
import { latentSized } from './spaces';

/** Fusion ablation: a and the label tokens concatenated instead of cross-attention. */
export const deepdiveConcat = defineModelCard({
  name: 'deepdive-concat',
  label: 'DeepDIVE, concatenation fusion',
  description: 'DeepDIVE with concatenation instead of cross-attention fusion (ablation)',
  schema: DeepDiveSchema,
  defaults: { fusion: 'concat' },
  traits: { learns: true, latent: true, atom: true, trunk: 'mlp' },
  create: (name, config, info) => new DeepDive(name, config, info),
  searchSpace: deepdive.searchSpace,
  // The fusion ablation: DeepDIVE's tuned sizes and schedule, only the fusion differs.
  tunedAs: 'deepdive',
  sized: (s) => latentSized(s, true),
});
