/** `dive bench`: training-step timing per workload and backend variant. */
export * from './types';
export { quantile, peakRssMiB } from './stats';
export { BENCH_BACKENDS, parseBenchBackend, activateVariant, type BenchBackend } from './variants';
export { WORKLOADS, findWorkload, workloadNames } from './workloads';
export { countMatMulFlops } from './flops';
export { deepdiveWorkload, deepdiveSetup, deepdiveFamily, type DeepDiveSetup } from './workloads/deepdive';
export {
  mlpVaeWorkload,
  MlpVaeInstance,
  MlpVaeNet,
  ParallelMlpVaeInstance,
  mlpVaeFlops,
  mlpVaeLayers,
  mlpVaeBatches,
  mlpVaeInputs,
  mlpVaeNoiseSeed,
  DEFAULT_MLP_VAE,
  type MlpVaeConfig,
  type MlpVaeRows,
} from './workloads/mlpVae';
export { runBenchInProcess, runBenchIsolated, childEntry, summarise, profileSteps, type BenchSpec, type StepListener, type KernelProfile } from './run';
export { runTorchBench, TORCH_WORKLOADS } from './torch';
export { torchScript, runPython, childFailure, TORCH_INSTALL } from './torchChild';
export {
  writeDeepdiveBundle,
  recordNoise,
  ourPassValues,
  referenceValues,
  compareParity,
  referenceGap,
  ZERO_GRADIENT,
  type ReferencePass,
  type RecordedNoise,
  type PassValues,
  type ParityEntry,
  type TensorRef,
} from './torchDeepdive';
