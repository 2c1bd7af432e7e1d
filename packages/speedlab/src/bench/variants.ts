/**
 * Backend variants `dive bench` can time. Each is a tfjs backend plus, for wasm, a choice of
 * matMul kernels, so one run can report before/after on the same machine:
 *   wasm            the wasm backend with the speed lab's default fast kernels (../kernels):
 *                   products on the machine's OpenBLAS (../blas, DIVE_THREADS threads)
 *                   when it loads, else on our relaxed-SIMD GEMM
 *   wasm-gemm       the wasm backend with every product on our relaxed-SIMD GEMM
 *                   (../gemm; the fallback without OpenBLAS, DIVE_FAST_KERNELS=gemm)
 *   wasm-reference  the wasm backend with tfjs-backend-wasm's own kernels and divelab's plain
 *                   op definitions (DIVE_FAST_KERNELS=0)
 *   wasm-parallel   data-parallel over worker threads (../parallel), each worker a wasm
 *                   backend with the fast kernels; the main thread only coordinates
 *   webgpu, cpu, tensorflow, tensorflow-gpu   as in divelab/lib/backend/select.ts (webgpu: Dawn's
 *                   adapter, a software one too, as when asked for by name; divelab's op definitions)
 *   torch           PyTorch in a python3 child on 1 and all cores' threads (./torch.ts)
 * (The comparison-only variants wasm-baseline and wasm-xnnpack were retired with their kernel
 * kinds; bench/against-commit.js times an older commit against this one instead.)
 */
import { initBackend } from 'divelab/lib/backend/select';
import { productPath, registerFastWasmKernels, restoreWasmKernels } from '../kernels/register';
import { UserError } from 'divelab/lib/util/errors';

export const BENCH_BACKENDS = ['wasm', 'wasm-gemm', 'wasm-reference', 'wasm-parallel', 'webgpu', 'cpu', 'tensorflow', 'tensorflow-gpu', 'torch'] as const;
export type BenchBackend = (typeof BENCH_BACKENDS)[number];

const ALIASES: Record<string, BenchBackend> = {
  wasm: 'wasm',
  'fast-wasm': 'wasm',
  'wasm-fast': 'wasm',
  'wasm-gemm': 'wasm-gemm',
  gemm: 'wasm-gemm',
  'wasm-blas': 'wasm',
  blas: 'wasm',
  'wasm-reference': 'wasm-reference',
  'reference-wasm': 'wasm-reference',
  'wasm-ref': 'wasm-reference',
  'wasm-parallel': 'wasm-parallel',
  'parallel-wasm': 'wasm-parallel',
  parallel: 'wasm-parallel',
  webgpu: 'webgpu',
  dawn: 'webgpu',
  cpu: 'cpu',
  tensorflow: 'tensorflow',
  'tfjs-node': 'tensorflow',
  node: 'tensorflow',
  'tensorflow-gpu': 'tensorflow-gpu',
  'tfjs-node-gpu': 'tensorflow-gpu',
  gpu: 'tensorflow-gpu',
  torch: 'torch',
  pytorch: 'torch',
};

/** Canonical variant name, or a UserError listing the accepted names. */
export function parseBenchBackend(name: string): BenchBackend {
  const v = ALIASES[name.trim().toLowerCase()];
  if (!v) throw new UserError(`unknown bench backend '${name}': use one of ${BENCH_BACKENDS.join(', ')} (fast-wasm = wasm)`);
  return v;
}

/**
 * Make `variant` the active backend. Returns backend facts for the report; throws (with the
 * reason) when the backend cannot start.
 */
export async function activateVariant(variant: BenchBackend): Promise<Record<string, unknown>> {
  // The coordinating thread of a data-parallel run computes nothing: the lightest backend.
  if (variant === 'wasm-parallel') return { coordinator: (await initBackend('cpu')).active };
  if (variant === 'torch') throw new Error('the torch variant runs in a python3 child (./torch.ts), not on a tfjs backend');
  const base = variant === 'wasm-reference' || variant === 'wasm-gemm' ? 'wasm' : variant;
  const report = await initBackend(base);
  if (variant === 'wasm') registerFastWasmKernels();
  if (variant === 'wasm-gemm') registerFastWasmKernels('gemm');
  if (variant === 'wasm-reference') restoreWasmKernels();
  const details: Record<string, unknown> = { ...report.details };
  if (base === 'wasm') {
    const p = productPath();
    details.fastKernels = variant !== 'wasm-reference';
    details.matMul = variant === 'wasm-reference' ? 'tfjs-backend-wasm (XNNPACK for plain products, loops otherwise)' : p.description;
    if (variant !== 'wasm-reference' && p.blas) details.blas = p.blas;
    else delete details.blas;
  }
  return details;
}

/** Which matMul implementation a variant runs (for reports). */
export function matMulKernelName(variant: 'wasm-parallel'): string {
  if (variant === 'wasm-parallel') return 'each worker: the default fast kernels, OpenBLAS on 1 thread when it loads, else the wasm GEMM';
  return variant;
}
