import { GruForecaster, GruSchema } from '../gru';
import { defineModelCard } from '../card';
import { RECIPE_MODEL, RECIPE_TRAIN } from './spaces';

/** GRU reference forecaster on the shared trunk. */
export const gru = defineModelCard({
  name: 'gru',
  label: 'GRU',
  description: 'GRU forecaster (the shared trunk as a GRU, then a linear map to the targets)',
  schema: GruSchema,
  traits: { learns: true, latent: false, atom: false, trunk: 'gru' },
  create: (name, config, info) => new GruForecaster(name, config, info),
  searchSpace: { model: { 'trunk.hidden': { kind: 'choice', values: [32, 64] }, ...RECIPE_MODEL }, train: RECIPE_TRAIN },
  sized: (s) => ({ trunk: { hidden: Math.min(64, s.trunkHidden) } }),
});
