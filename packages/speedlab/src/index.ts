/**
 * @divelab/speedlab: divelab's speed lab — fast wasm kernels for tfjs (./kernels), the
 * WebAssembly GEMM generated in TypeScript (./gemm), the machine's OpenBLAS through koffi
 * (./blas), the implementations of divelab's named ops (./ops.ts), the data-parallel trainer
 * (./parallel) and `dive bench` (./bench).
 *
 * divelab loads this module as a plugin (divelab/lib/backend/plugin.ts) and uses only
 * `speedLab`; the rest is exported for the speed lab's own scripts and tests. The bench (which
 * loads divelab's models, training and data) is loaded on first use.
 */
import type { SpeedLab } from 'divelab/lib/backend/plugin';
import type { Command } from 'divelab/lib/util/command';
import { implementedOps } from 'divelab/lib/backend/ops';
import { activeFastKernels, applyFastKernelPolicy, productPath } from './kernels/register';
import { loadOpenBlas, resetOpenBlasCache } from './blas/openblas';

export * from './kernels';
export { IMPLEMENTED_OPS, registerOpImplementations, unregisterOpImplementations } from './ops';
export { loadOpenBlas, resetOpenBlasCache, blasThreadsWanted, useOneBlasThreadPerProcess } from './blas';
export { loadGemmModule } from './gemm/gemm';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const VERSION = (require('../package.json') as { version: string }).version;

/** What divelab's plugin loader takes (see divelab/lib/backend/plugin.ts). */
export const speedLab: SpeedLab = {
  version: VERSION,
  onBackendInit: applyFastKernelPolicy,
  backendDetails(backendName) {
    if (backendName !== 'wasm') return { speedLab: `loaded ${VERSION}, inactive: its kernels are for the wasm backend` };
    const kind = activeFastKernels();
    const p = productPath();
    const ops = implementedOps('wasm');
    const speedLabLine = kind ? `active ${VERSION} (${kind} kernels, ${ops.length} named ops)` : `loaded ${VERSION}, inactive: DIVE_FAST_KERNELS=${process.env.DIVE_FAST_KERNELS?.trim() ?? ''} asks for tfjs's kernels`;
    return { speedLab: speedLabLine, matMul: p.description, ...(p.blas ? { blas: p.blas } : {}) };
  },
  openBlas() {
    resetOpenBlasCache();
    const r = loadOpenBlas();
    return r.ok ? { ok: true, detail: `${r.blas.config} (${r.blas.path})` } : { ok: false, reason: r.reason };
  },
  async benchCommand(): Promise<Command> {
    return (await import('./bench/command.js')).benchCommand;
  },
};
