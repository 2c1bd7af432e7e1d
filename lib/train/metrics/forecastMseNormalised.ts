import type { MetricCard } from './card';

export const forecastMseNormalised: MetricCard = {
  key: 'forecastMseNormalised',
  label: 'forecast MSE (normalised)',
  better: 'lower',
  doc: "Forecast mean squared error on the scaler's normalised values, the mean over every element (row × channel) of every test window: the MSE that Time-Series-Library and the long-horizon papers report (lib/eval/forecast.ts, lib/data/protocols.ts).",
  of: (r) => r.test?.forecast.normalised.mse ?? null,
};
