import { DeepDive, DeepDiveSchema } from '../deepdive';
import { defineModelCard } from '../card';
import { DROPOUT, LATENT_SIZE, TRUNK_HIDDEN, latentSized, RECIPE_MODEL, RECIPE_TRAIN } from './spaces';

/** Ablation (a): DeepDIVE without the marginal code b — no labels, no RBF layers. */
export const deepdiveA = defineModelCard({
  name: 'deepdive-a',
  label: 'DeepDIVE-(a) conditional only',
  description: 'DeepDIVE ablation with the conditional code a only (no labels)',
  schema: DeepDiveSchema,
  defaults: { useB: false },
  traits: { learns: true, latent: true, atom: true, trunk: 'mlp' },
  create: (name, config, info) => new DeepDive(name, config, info),
  searchSpace: { model: { 'trunk.hidden': TRUNK_HIDDEN, dropout: DROPOUT, aDim: LATENT_SIZE, ...RECIPE_MODEL }, train: RECIPE_TRAIN },
  sized: (s) => latentSized(s, true),
});
