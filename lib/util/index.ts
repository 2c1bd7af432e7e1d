/** General helpers a researcher's own code may want: seeded randomness, errors, atomic writes, config merging. */
export * from './pure';
export { writeFileAtomic, writeDirAtomic } from './atomic';
export { deepMerge, isPlainObject } from './merge';
