/**
 * The standard disentanglement metrics, one module per metric (MIG lives in ../mig.ts):
 * - dci: Disentanglement, Completeness, Informativeness with a ridge probe;
 * - sap: Separated Attribute Predictability (discrete and continuous variants);
 * - factorVae: the FactorVAE majority-vote score;
 * - mcc: mean correlation coefficient after Hungarian matching (Pearson and Spearman);
 * - suite: all of them, with MIG, on one table of codes and factor levels.
 * Formulas, defaults and differences from disentanglement_lib: docs/metrics.md.
 */
export { checkSample, type CodeSample } from './sample';
export * from './dci';
export * from './dciTree';
export * from './sap';
export * from './factorVae';
export * from './mcc';
export * from './suite';
