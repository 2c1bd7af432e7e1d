/**
 * The part of the theory layer that is plain float64 TypeScript with no TensorFlow.js and no
 * Node API: everything but `modelLayer` (E3 on the model's tfjs RBF layer) and `checks` (which
 * runs it). lib/theory/index.ts re-exports it; the browser bundle (lib/browser.ts) ships it.
 */
export * from './gaussian';
export * from '../math/linalg';
export * from './quadrature';
export * from './montecarlo';
export * from './randomParams';
export * from './linearGaussian';
export * from './naiveBayes';
export * from './mixtureKl';
export * from './explore';
export * from './figures';
