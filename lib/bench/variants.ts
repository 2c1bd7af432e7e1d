/**
 * Backend variants `dive bench` can time. Each is a tfjs backend plus, for wasm, a choice of
 * matMul kernels, so one run can report before/after on the same machine:
 *   wasm            the wasm backend with the fast kernels of lib/backend/kernels (the default):
 *                   our relaxed-SIMD GEMM (lib/backend/gemm) for every float32 product
 *   wasm-xnnpack    the wasm backend with the earlier fast kernels: products rewritten onto
 *                   XNNPACK's untransposed path (DIVE_FAST_KERNELS=xnnpack)
 *   wasm-reference  the wasm backend with tfjs-backend-wasm's own kernels (DIVE_FAST_KERNELS=0)
 *   wasm-parallel   data-parallel over worker threads (lib/parallel), each worker a wasm
 *                   backend with the fast kernels; the main thread only coordinates
 *   cpu, tensorflow, tensorflow-gpu   as in lib/backend/select.ts
 */
import { initBackend } from '../backend/select';
import { registerFastWasmKernels, restoreWasmKernels } from '../backend/kernels/register';
import { loadGemmModule } from '../backend/gemm/gemm';
import { UserError } from '../util/errors';

export const BENCH_BACKENDS = ['wasm', 'wasm-xnnpack', 'wasm-reference', 'wasm-parallel', 'cpu', 'tensorflow', 'tensorflow-gpu'] as const;
export type BenchBackend = (typeof BENCH_BACKENDS)[number];

const ALIASES: Record<string, BenchBackend> = {
  wasm: 'wasm',
  'fast-wasm': 'wasm',
  'wasm-fast': 'wasm',
  'wasm-xnnpack': 'wasm-xnnpack',
  xnnpack: 'wasm-xnnpack',
  'wasm-reference': 'wasm-reference',
  'reference-wasm': 'wasm-reference',
  'wasm-ref': 'wasm-reference',
  'wasm-parallel': 'wasm-parallel',
  'parallel-wasm': 'wasm-parallel',
  parallel: 'wasm-parallel',
  cpu: 'cpu',
  tensorflow: 'tensorflow',
  'tfjs-node': 'tensorflow',
  node: 'tensorflow',
  'tensorflow-gpu': 'tensorflow-gpu',
  'tfjs-node-gpu': 'tensorflow-gpu',
  gpu: 'tensorflow-gpu',
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
  const base = variant === 'wasm-reference' || variant === 'wasm-xnnpack' ? 'wasm' : variant;
  const report = await initBackend(base);
  if (variant === 'wasm') registerFastWasmKernels('gemm');
  if (variant === 'wasm-xnnpack') registerFastWasmKernels('xnnpack');
  if (variant === 'wasm-reference') restoreWasmKernels();
  const details: Record<string, unknown> = { ...report.details };
  if (base === 'wasm') {
    details.fastKernels = variant !== 'wasm-reference';
    details.matMul = matMulKernelName(variant as 'wasm' | 'wasm-xnnpack' | 'wasm-reference');
  }
  return details;
}

/** Which matMul implementation a wasm variant runs (for reports). */
export function matMulKernelName(variant: 'wasm' | 'wasm-xnnpack' | 'wasm-reference' | 'wasm-parallel'): string {
  if (variant === 'wasm-reference') return 'tfjs-backend-wasm (XNNPACK for plain products, loops otherwise)';
  if (variant === 'wasm-xnnpack') return 'XNNPACK via explicit transposes';
  const g = loadGemmModule();
  return g ? `divelab GEMM (${g.fma ? 'relaxed-SIMD FMA' : 'SIMD multiply + add'})` : 'XNNPACK via explicit transposes (no wasm SIMD for the GEMM)';
}
