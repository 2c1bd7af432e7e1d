import { Persistence, PersistenceSchema } from '../persistence';
import { defineModelCard } from '../card';

/** Persistence: the last input row, repeated (no parameters). */
export const persistence = defineModelCard({
  name: 'persistence',
  label: 'persistence (last value)',
  description: 'persistence: forecasts the last input row (no parameters)',
  schema: PersistenceSchema,
  traits: { learns: false, latent: false, atom: false, trunk: 'none' },
  create: (name, config, info) => new Persistence(name, config, info),
  searchSpace: null,
});
