/**
 * A metric card: one number a finished run reports, declared once — its record key, its label,
 * which direction is better, what it measures, and how it is read from the run's outputs. The
 * run records of `dive reproduce`, `dive train --json`, the tables and the claims all take their
 * metrics from the registry (registry.ts). Adding a metric is one card file plus its line in the
 * registry (docs/architecture.md, "Recipes").
 */
import type { DisentanglementScores } from '../../eval/disentanglement';
import type { TestMetrics } from '../evaluate';
import type { TrainResult } from '../trainer';

/** A run's outputs, as far as it has them (the companion pipelines have no forecasts). */
export interface RunOutputs {
  /** The test split's metrics (lib/train/evaluate.ts `metricsOf`); absent for the companion pipelines. */
  readonly test?: TestMetrics;
  /** The disentanglement suite against the true factors (the benchmark), when measured. */
  readonly disentanglement?: DisentanglementScores | null;
  /** The training run (selection provenance); absent for the pipelines. */
  readonly training?: TrainResult;
  /** Forecast MSE (scaled units) of the final weights on every validation window, when measured (run records, `dive train`). */
  readonly valForecastMse?: number;
  /** Does the model have trained parameters (persistence and seasonal naive do not)? */
  readonly learns?: boolean;
  /** Mean cosine of the forecast and CE gradients on the shared trunk over training (lib/train/gradConflict.ts), when sampled. */
  readonly gradientCosine?: number | null;
  /** Numbers a companion pipeline reports in its own terms (lib/methods), read by their cards. */
  readonly pipeline?: Readonly<Record<string, number | null>>;
}

export interface MetricCard {
  /** Key in run records and table cells (camelCase). */
  readonly key: string;
  /** Column title in tables. */
  readonly label: string;
  /** Which way is better; null for provenance numbers (the selected epoch). */
  readonly better: 'lower' | 'higher' | null;
  /** What it measures and where it is defined (docs/metrics.md, the equation, the source file). */
  readonly doc: string;
  /** Its value for a run, or null where it does not apply (e.g. reconstruction without a decoder). */
  of(run: RunOutputs): number | null;
}

/** A finite number or null. */
export function finite(v: number | null | undefined): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}
