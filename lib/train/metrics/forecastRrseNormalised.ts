import type { MetricCard } from './card';

export const forecastRrseNormalised: MetricCard = {
  key: 'forecastRrseNormalised',
  label: 'forecast RRSE (normalised)',
  better: 'lower',
  doc: "Forecast RRSE on the scaler's normalised values (lib/eval/forecast.ts).",
  of: (r) => r.test?.forecast.normalised.rrse ?? null,
};
