/**
 * Model replicas a data-parallel worker can build, by kind (the worker receives a
 * `ReplicaSpec` and calls `createReplica`). Every replica of a trainer is built from the same
 * spec, so the same seed gives bit-identical initial weights in every worker.
 *
 *   mlp-vae  the `dive bench` MLP VAE, Adam (./mlpVaeReplica.ts);
 *   model    any lib/models model by name, trained by phases with lib/train's Adam
 *            (./modelReplica.ts).
 *
 * Each kind's module is loaded on first use only, so a worker loads just what its replica
 * needs (a worker started from TypeScript sources compiles every module it loads).
 */
import type { Replica, ReplicaSpec } from './types';
import type { MlpVaeConfig } from '../bench/workloads/mlpVae';
import type { ModelReplicaConfig } from './modelReplica';

/* eslint-disable @typescript-eslint/no-require-imports */
/** Replica constructors by kind. */
export const REPLICA_FACTORIES: Readonly<Record<string, (config: never, seed: number) => Replica>> = {
  'mlp-vae': (config: MlpVaeConfig, seed: number) => {
    const m = require('./mlpVaeReplica') as typeof import('./mlpVaeReplica');
    return new m.MlpVaeReplica(config, seed);
  },
  model: (config: ModelReplicaConfig, seed: number) => {
    const m = require('./modelReplica') as typeof import('./modelReplica');
    return new m.ModelReplica(config, seed);
  },
};
/* eslint-enable @typescript-eslint/no-require-imports */

/** Build the replica a spec names (on the active backend). */
export function createReplica(spec: ReplicaSpec): Replica {
  const make = REPLICA_FACTORIES[spec.kind];
  if (!make) throw new Error(`unknown replica kind '${spec.kind}' (known: ${Object.keys(REPLICA_FACTORIES).join(', ')})`);
  return make(spec.config as never, spec.seed);
}
