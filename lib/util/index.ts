/** General helpers a researcher's own code may want: seeded randomness, errors, atomic writes, config merging. */
export { makeRng, mixSeed, permutation, type Rng } from './random';
export { UserError } from './errors';
export { writeFileAtomic, writeDirAtomic } from './atomic';
export { deepMerge, isPlainObject } from './merge';
export { LOG_2PI, logSumExp } from './math';
