import { DeepDive, DeepDiveSchema } from '../deepdive';
import { defineModelCard } from '../card';
import { BETA_B, DROPOUT, LAMBDA, TRUNK_HIDDEN, latentSized, RECIPE_MODEL, RECIPE_TRAIN } from './spaces';

/** Ablation (b): DeepDIVE without the conditional code a — the label-supervised marginal code only. */
export const deepdiveB = defineModelCard({
  name: 'deepdive-b',
  label: 'DeepDIVE-(b) marginal only',
  description: 'DeepDIVE ablation with the marginal code b only (label-supervised RBF mixtures)',
  schema: DeepDiveSchema,
  defaults: { useA: false },
  traits: { learns: true, latent: true, atom: true, trunk: 'mlp' },
  create: (name, config, info) => new DeepDive(name, config, info),
  searchSpace: { model: { 'trunk.hidden': TRUNK_HIDDEN, dropout: DROPOUT, lambda: LAMBDA, betaB: BETA_B, ...RECIPE_MODEL }, train: RECIPE_TRAIN },
  sized: (s) => latentSized(s, true),
});
