/** The Node-free helpers the browser bundle ships (lib/browser.ts): seeded randomness, math, UserError. */
export { makeRng, mixSeed, permutation, type Rng } from './random';
export { UserError } from './errors';
export { LOG_2PI, logSumExp } from './math';
