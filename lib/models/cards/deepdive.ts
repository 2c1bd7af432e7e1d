import { DeepDive, DeepDiveSchema } from '../deepdive';
import { defineModelCard } from '../card';
import { BETA_B, DROPOUT, LAMBDA, LATENT_SIZE, TRUNK_HIDDEN, latentSized, RECIPE_MODEL, RECIPE_TRAIN } from './spaces';

/** DeepDIVE (arXiv 2501.08710): marginal code b with RBF mixture layers, conditional code a, cross-attention fusion. */
export const deepdive = defineModelCard({
  name: 'deepdive',
  label: 'DeepDIVE',
  description: 'DeepDIVE: marginal code b (per-label RBF mixtures), conditional code a, cross-attention fusion, decoder and forecaster with a highway (E1–E3)',
  schema: DeepDiveSchema,
  traits: { learns: true, latent: true, atom: true, trunk: 'mlp' },
  create: (name, config, info) => new DeepDive(name, config, info),
  searchSpace: {
    model: { 'trunk.hidden': TRUNK_HIDDEN, dropout: DROPOUT, aDim: LATENT_SIZE, lambda: LAMBDA, betaB: BETA_B, ...RECIPE_MODEL },
    train: RECIPE_TRAIN,
  },
  sized: (s) => latentSized(s, true),
});
