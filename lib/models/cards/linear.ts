import { Linear, LinearSchema } from '../linear';
import { defineModelCard } from '../card';
import { RECIPE_MODEL, RECIPE_TRAIN } from './spaces';

/** DLinear-style linear forecaster: moving-average decomposition, one linear map per part. */
export const linear = defineModelCard({
  name: 'linear',
  label: 'linear (DLinear-style)',
  description: 'linear forecaster (DLinear-style trend/seasonal decomposition)',
  schema: LinearSchema,
  traits: { learns: true, latent: false, atom: false, trunk: 'none' },
  create: (name, config, info) => new Linear(name, config, info),
  searchSpace: { model: { kernel: { kind: 'choice', values: [13, 25, 49] }, ...RECIPE_MODEL }, train: RECIPE_TRAIN },
});
