/** Training: schedule, loop, optimiser, checkpoints, diagnostics, evaluation and whole runs. */
export { DEFAULT_SCHEDULE, modelPhases, phasesForEpoch, type Phase, type PhaseName, type Phases, type ScheduleConfig } from './interleave';
export {
  DEFAULT_TRAIN, train, trainStep, forecastMse, checkTrainConfig, TrainingDiverged,
  type TrainConfig, type TrainOptions, type TrainResult, type TrainingHistory, type EpochRecord,
} from './trainer';
export { Adam, DEFAULT_ADAM, globalNorm, type AdamConfig } from './adam';
export { saveCheckpoint, loadCheckpoint, loadModel, snapshotWeights, restoreWeights, CHECKPOINT_FORMAT, type CheckpointState } from './checkpoint';
export { measureConflict, type ConflictRecord } from './gradConflict';
export { dataInfoOf, toTensors, disposeBatch } from './batches';
export { predictSplit, type SplitOutputs } from './predict';
export { evaluateModel, metricsOf, type TestMetrics } from './evaluate';
export { runTraining, evaluateCheckpoint, checkRunConfig, DEFAULT_RUN_DATA, type RunReport, type RunRequest, type RunDataConfig } from './run';
export { metricCard, metricCards, metricValues, registerMetric, BUILT_IN_METRICS, type MetricCard, type RunOutputs } from './metrics';
export { TrainSchema } from './trainer';
export { atomModels, RunDataSchema } from './run';
