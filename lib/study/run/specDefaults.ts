/**
 * The defaults a RunSpec leaves implicit. A spec stores only what differs from its model's
 * defaults (plan.ts pruneDefaults), so a changed default would leave the spec — and without this
 * the run id — as it was, and a results folder would take a record trained under the old default
 * as current. The run id hashes these beside the spec: change a default and the runs it governs
 * get new ids (the trainer's defaults govern every trained model; a model's, its own runs; a
 * pipeline's presets, its runs; a data set's window and split defaults, the runs on it).
 */
import { defaultConfig, isModelName } from '../../models/registry';
import { DEFAULT_TRAIN } from '../../train/trainer';
import { findDataset } from '../../data/registry';
import { DEFAULT_DETAUX, QUICK_DETAUX } from '../../methods/detaux/config';
import { DEFAULT_SPARSE, QUICK_SPARSE } from '../../methods/sparse/config';
import { DEFAULT_SPARSE_RHO, QUICK_SPARSE_RHO, SPARSE_RHO_MODEL } from '../../methods/sparse/rho';
import type { RunSpec } from '../spec/types';

/** Each pipeline's base settings by a spec's `config.preset` (pipelineRuns.ts runs them; the run id hashes them). */
export const PIPELINE_PRESETS = {
  detaux: { quick: QUICK_DETAUX, default: DEFAULT_DETAUX },
  'sparse-bilevel': { quick: QUICK_SPARSE, default: DEFAULT_SPARSE },
  [SPARSE_RHO_MODEL]: { quick: QUICK_SPARSE_RHO, default: DEFAULT_SPARSE_RHO },
} as const;

/** The model's (or pipeline's) and the trainer's defaults, and the data set's, that `spec` runs under. */
export function specDefaults(spec: RunSpec): Record<string, unknown> {
  const data = findDataset(spec.data)?.defaults;
  const out: Record<string, unknown> = data ? { data } : {};
  if (isModelName(spec.model)) return { ...out, model: defaultConfig(spec.model), train: DEFAULT_TRAIN };
  const presets = (PIPELINE_PRESETS as Readonly<Record<string, unknown>>)[spec.model];
  return presets ? { ...out, pipeline: presets } : out;
}
