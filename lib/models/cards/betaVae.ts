import { BetaVae, BetaVaeSchema } from '../betaVae';
import { defineModelCard } from '../card';
import { betaTcvae } from './betaTcvae';
import { latentSized } from './spaces';

/** β-VAE (Higgins et al. 2017): β-weighted KL to N(0, I), no labels. */
export const betaVae = defineModelCard({
  name: 'beta-vae',
  label: 'β-VAE',
  description: 'β-VAE (Higgins et al. 2017) with the same trunk, decoder and forecaster as DeepDIVE; unsupervised latent z',
  schema: BetaVaeSchema,
  traits: { learns: true, latent: true, atom: true, trunk: 'mlp' },
  create: (name, config, info) => new BetaVae(name, config, info),
  searchSpace: betaTcvae.searchSpace,
  sized: (s) => latentSized(s, false),
});
