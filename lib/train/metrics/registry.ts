/**
 * The metric registry: every metric a run reports, in record order. `metricValues(outputs)`
 * is what run records and `dive train --json` store; tables and claims look metrics up here by
 * key. A user's own metric is `registerMetric(card)` at run time.
 */
import { UserError } from '../../util/errors';
import type { MetricCard, RunOutputs } from './card';
import { forecastRrse } from './forecastRrse';
import { forecastCorr } from './forecastCorr';
import { forecastMse } from './forecastMse';
import { forecastMae } from './forecastMae';
import { forecastRrseNormalised } from './forecastRrseNormalised';
import { forecastMseNormalised } from './forecastMseNormalised';
import { forecastMaeNormalised } from './forecastMaeNormalised';
import { reconRrse } from './reconRrse';
import { mig } from './mig';
import { clusterAccuracy } from './clusterAccuracy';
import { gradientCosine } from './gradientCosine';
import { bestValForecastMse } from './bestValForecastMse';
import { initialValForecastMse } from './initialValForecastMse';
import { bestEpoch } from './bestEpoch';
import { improvedOnInitial } from './improvedOnInitial';
import { converged } from './converged';
import { suiteMig } from './suiteMig';
import { dciD } from './dciD';
import { dciTreeD } from './dciTreeD';
import { suiteMigFloor } from './suiteMigFloor';
import { dciDFloor } from './dciDFloor';
import { dciTreeDFloor } from './dciTreeDFloor';
import { sapFloor } from './sapFloor';
import { mccFloor } from './mccFloor';
import { migFloor } from './migFloor';
import { sap } from './sap';
import { mcc } from './mcc';
import { principalAccuracy } from './principalAccuracy';
import { stlAccuracy } from './stlAccuracy';
import { discoveredNmi } from './discoveredNmi';
import { mccIca } from './mccIca';
import { probeValMse } from './probeValMse';
import { probeValMseIca } from './probeValMseIca';
import { valForecastMse } from './valForecastMse';

/** The built-in metrics, in the order run records list them. */
export const BUILT_IN_METRICS: readonly MetricCard[] = [
  forecastRrse, forecastCorr, forecastMse, forecastMae, forecastRrseNormalised, reconRrse, mig, clusterAccuracy, gradientCosine,
  bestValForecastMse, initialValForecastMse, bestEpoch, improvedOnInitial, suiteMig, dciD, sap, mcc, principalAccuracy,
  dciTreeD, migFloor, suiteMigFloor, dciDFloor, dciTreeDFloor, sapFloor, mccFloor, forecastMseNormalised, forecastMaeNormalised, converged,
  mccIca, probeValMse, probeValMseIca, stlAccuracy, ...discoveredNmi, valForecastMse,
];

const registered: MetricCard[] = [];

export function metricCards(): readonly MetricCard[] {
  return [...BUILT_IN_METRICS, ...registered];
}

/** Register a metric card of your own; returns a function that removes it again. */
export function registerMetric(card: MetricCard): () => void {
  if (!/^[a-z][A-Za-z0-9]*$/.test(card.key)) throw new UserError(`metric key '${card.key}' must be camelCase letters and digits`);
  if (metricCards().some((c) => c.key === card.key)) throw new UserError(`a metric with key '${card.key}' is already registered; choose another key`);
  registered.push(card);
  return () => {
    const i = registered.indexOf(card);
    if (i >= 0) registered.splice(i, 1);
  };
}

/** The card of a metric key; an unknown key is a UserError listing the known ones. */
export function metricCard(key: string): MetricCard {
  const card = metricCards().find((c) => c.key === key);
  if (!card) throw new UserError(`unknown metric '${key}' (known: ${metricCards().map((c) => c.key).join(', ')})`);
  return card;
}

/** Every registered metric's value for a run (null where it does not apply), in registry order. */
export function metricValues(run: RunOutputs): Record<string, number | null> {
  return Object.fromEntries(metricCards().map((c) => [c.key, c.of(run)]));
}
