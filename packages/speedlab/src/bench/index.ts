/** `dive bench`: training-step timing per workload and backend variant. */
export * from './types';
export { quantile, peakRssMiB } from './stats';
export { BENCH_BACKENDS, parseBenchBackend, activateVariant, type BenchBackend } from './variants';
export { WORKLOADS, findWorkload, workloadNames } from './workloads';
export { countMatMulFlops } from './flops';
export { deepdiveWorkload } from './workloads/deepdive';
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
export { runTorchBench, torchScript, TORCH_WORKLOADS } from './torch';
