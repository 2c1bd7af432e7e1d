/**
 * Paired statistics for claims about two models run with the same seeds (docs/statistics.md):
 * - bootstrap: seeded BCa / percentile CI of the mean paired difference;
 * - wilcoxon: signed-rank test (exact or normal with tie and continuity correction);
 * - dieboldMariano: DM test with the HLN correction on per-window forecast losses;
 * - holm: Holm–Bonferroni adjusted p-values across the claims of one table;
 * - effectSize: Cohen's d_z (Hedges-corrected optional);
 * - power: paired t-test power (noncentral t) and the seeds needed for 80 % power;
 * - claim: one claim's numbers and the supported / contradicted / inconclusive verdict.
 */
export * from './bootstrap';
export * from './wilcoxon';
export * from './dieboldMariano';
export * from './holm';
export * from './effectSize';
export * from './power';
export * from './claim';
