import { BETA_TCVAE_DEFAULTS, BetaVae, BetaVaeSchema } from '../betaVae';
import { defineModelCard } from '../card';
import { DROPOUT, LATENT_SIZE, TRUNK_HIDDEN, latentSized, RECIPE_MODEL, RECIPE_TRAIN } from './spaces';

/** β-TCVAE (Chen et al. 2018): the total-correlation-weighted prior term, no labels. */
export const betaTcvae = defineModelCard({
  name: 'beta-tcvae',
  label: 'β-TCVAE',
  description: 'β-TCVAE (Chen et al. 2018) with the same trunk, decoder and forecaster as DeepDIVE; unsupervised latent z',
  schema: BetaVaeSchema,
  defaults: BETA_TCVAE_DEFAULTS,
  traits: { learns: true, latent: true, atom: true, trunk: 'mlp' },
  create: (name, config, info) => new BetaVae(name, config, info),
  searchSpace: {
    model: { 'trunk.hidden': TRUNK_HIDDEN, dropout: DROPOUT, zDim: LATENT_SIZE, beta: { kind: 'choice', values: [1, 2, 4, 6, 8] }, ...RECIPE_MODEL },
    train: RECIPE_TRAIN,
  },
  sized: (s) => latentSized(s, false),
});
