/** Data-parallel synchronous training over worker_threads (see ./trainer.ts). */
export * from './types';
export { DataParallelTrainer, NonFiniteLoss, type DataParallelConfig } from './trainer';
export { shardRows, chunk, defaultWorkerCount } from './shards';
export { availableCores } from 'divelab/lib/util/cores';
export { REPLICA_FACTORIES, createReplica } from './replicas';
export { MlpVaeReplica } from './mlpVaeReplica';
export { mlpVaeInputs } from '../bench/workloads/mlpVae';
export { ModelReplica, modelInputs, type ModelReplicaConfig } from './modelReplica';
export { workerEntry } from './spawn';
