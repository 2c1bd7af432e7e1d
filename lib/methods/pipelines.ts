/** The companion methods with pipelines of their own, run by `dive train --model NAME` and `dive reproduce`. */
export const PIPELINE_MODELS = ['detaux', 'sparse-bilevel'] as const;
export type PipelineModel = (typeof PIPELINE_MODELS)[number];

export function isPipelineModel(model: string): model is PipelineModel {
  return (PIPELINE_MODELS as readonly string[]).includes(model);
}
