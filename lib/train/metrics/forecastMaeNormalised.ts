import type { MetricCard } from './card';

export const forecastMaeNormalised: MetricCard = {
  key: 'forecastMaeNormalised',
  label: 'forecast MAE (normalised)',
  better: 'lower',
  doc: "Forecast mean absolute error on the scaler's normalised values, the mean over every element (row × channel) of every test window: the MAE that Time-Series-Library and the long-horizon papers report (lib/eval/forecast.ts, lib/data/protocols.ts).",
  of: (r) => r.test?.forecast.normalised.mae ?? null,
};
