/** `dive reproduce` / `dive merge` as a library (see each module's doc). */
export * from './types';
export * from './paper';
export * from './protocol';
export * from './dataChoice';
export * from './definitions';
export * from './plan';
export * from './store';
export * from './tabulate';
export * from './figures';
export * from './execute';
export * from './provenance';
export * from './outputs';
export * from './reproduce';
export * from './merge';
export * from './tune';
export * from './claims';
