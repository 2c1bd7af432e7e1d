import { SeasonalNaive, SeasonalNaiveSchema } from '../seasonalNaive';
import { defineModelCard } from '../card';

/** Seasonal naive: the value one season earlier (no parameters); tuned over its season. */
export const seasonalNaive = defineModelCard({
  name: 'seasonal-naive',
  label: 'seasonal naive',
  description: 'seasonal naive: forecasts the value one season (a whole number of seasons) earlier (no parameters)',
  schema: SeasonalNaiveSchema,
  traits: { learns: false, latent: false, atom: false, trunk: 'none' },
  create: (name, config, info) => new SeasonalNaive(name, config, info),
  // 24 h or one week, where the input holds it.
  searchSpace: { model: { season: { kind: 'choice', values: [24, 168], atMostInputLength: true } } },
});
