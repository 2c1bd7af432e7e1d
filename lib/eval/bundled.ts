/**
 * The metrics the browser bundle ships (lib/browser.ts): every evaluation module but
 * totalCorrelation, whose options are validated with zod (450 KB of the bundle's 600 KB). None
 * of lib/eval needs Node or tfjs; lib/eval/index.ts re-exports this and totalCorrelation.
 */
export * from './arrays';
export * from './information';
export * from './hungarian';
export * from './forecast';
export * from './mig';
export * from './cluster';
export * from './stats';
export * from './latent';
export * from './classification';
export * from './disentanglement';
export * from './paired';
