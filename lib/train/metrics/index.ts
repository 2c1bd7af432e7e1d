/** Metric cards: what a run reports (card.ts), and the registry (registry.ts). */
export { finite, type MetricCard, type RunOutputs } from './card';
export { BUILT_IN_METRICS, metricCard, metricCards, metricValues, registerMetric } from './registry';
