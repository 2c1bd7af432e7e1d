/** `dive reproduce` / `dive merge` as a library (see each module's doc). */
export * from './spec/types';
export * from './spec/paper';
export * from './spec/protocol';
export * from './run/dataChoice';
export * from './spec/definitions';
export * from './run/plan';
export * from './run/store';
export * from './report/tabulate';
export * from './report/figures';
export * from './run/execute';
export * from './run/provenance';
export * from './report/outputs';
export * from './reproduce';
export * from './merge';
export * from './run/tune';
export * from './spec/tuning';
export * from './report/claims';
