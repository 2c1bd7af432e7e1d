/**
 * Replacement `BatchMatMul` and `_FusedMatMul` kernels for the tfjs wasm backend.
 *
 * Why: tfjs-backend-wasm 4.22 sends a product to XNNPACK's packed, SIMD `fully_connected`
 * operator only when neither operand is transposed and both batch sizes are 1. Every other
 * product — `transposeA` (weight gradients xᵀ·dy), `transposeB` (input gradients dy·Wᵀ) and
 * every batched product — runs a naive blocked triple loop that is 10–50× slower. Training
 * spends most of its time in exactly those products.
 *
 * What (default when the machine's OpenBLAS loads, `blas`): every float32 product with
 * m·n·k ≥ BLAS_MIN_WORK is one `cblas_sgemm` call per output matrix (one call for a dense
 * layer on a batch of sequences: a's batch folded into rows) on views of the tfjs heap, the
 * transposes passed as BLAS flags, on DIVE_THREADS threads when the product has at least
 * BLAS_PARALLEL_MIN_WORK multiply-adds and on one thread otherwise; a bias is written into the output first (beta = 1) and ReLU
 * runs in place afterwards (the wasm GEMM module's SIMD loops). Smaller products, where the FFI
 * call costs more than the arithmetic, take the `gemm` path.
 *
 * What (`gemm`, and the fallback when OpenBLAS is absent): every float32 product with k > 0 goes to divelab's own GEMM
 * (lib/backend/gemm: relaxed-SIMD fused multiply-add, ~2× XNNPACK's plain-SIMD speed here),
 * which reads both operands in place with strides — a transposed operand is just other
 * strides — and broadcasts batch axes by index (`forEachMatrixPair`). `_FusedMatMul` with a
 * length-N bias and a linear or ReLU activation is fused into the same call.
 *
 * Fallback (`xnnpack`, and fused activations other than ReLU): rewrite each product into the
 * form XNNPACK runs fast and call the ORIGINAL kernel functions:
 *  1. transposed operands are materialised with the wasm Transpose kernel (last two axes);
 *  2. when b has batch size 1 (a dense layer applied to a batch of sequences), a's batch axes
 *     are folded into its rows: [..., M, K] → [1, (batch·M), K] — one call;
 *  3. otherwise (both batched) each output matrix is one call on copied slices, with numpy
 *     broadcasting of the batch axes; tiny products (M·K·N < `SPLIT_MIN_WORK`) stay on the
 *     original path, where per-call overhead would dominate (unless their broadcast is one
 *     the original computes wrongly: it sizes the output by max(batchA, batchB)).
 * Temporaries are wasm-heap buffers released before the kernel returns.
 *
 * Shapes: a [...batchA, M, K] (or [..., K, M] with transposeA), b [...batchB, K, N] (or
 * [..., N, K] with transposeB) → out [...broadcast(batchA, batchB), M, N]. float32 only (the
 * original kernels reject other dtypes; those calls are passed through unchanged).
 */
import * as tf from '@tensorflow/tfjs';
import { gemmFor, SCRATCH_BYTES, type LoadedGemm, type Operand } from '../gemm/gemm';
import { BLAS_MIN_WORK, BLAS_PARALLEL_MIN_WORK, type BlasOperand, type OpenBlas } from '../blas/openblas';
import { asWasmBackend, f32, heapMemory, heapOffset, release, withShape, type WasmBackendLike } from './wasmInternals';

/** Products with fewer multiply-adds per output matrix than this keep the original batched loop. */
export const SPLIT_MIN_WORK = 16 * 16 * 16;

/** The original wasm kernel functions the replacements delegate to. */
export interface OriginalKernels {
  batchMatMul: tf.KernelFunc;
  fusedMatMul: tf.KernelFunc;
  transpose: tf.KernelFunc;
}

interface MatMulAttrs {
  transposeA: boolean;
  transposeB: boolean;
}

/** Resolved geometry of one (possibly batched, possibly transposed) product. */
interface Geometry {
  m: number;
  k: number;
  n: number;
  batchA: number[];
  batchB: number[];
  batchOut: number[];
}


function geometry(a: tf.TensorInfo, b: tf.TensorInfo, { transposeA, transposeB }: MatMulAttrs): Geometry {
  const ra = a.shape.length;
  const rb = b.shape.length;
  if (ra < 2 || rb < 2) throw new Error(`matMul needs rank ≥ 2 operands, got shapes [${a.shape}] and [${b.shape}]`);
  const m = transposeA ? a.shape[ra - 1] : a.shape[ra - 2];
  const k = transposeA ? a.shape[ra - 2] : a.shape[ra - 1];
  const kb = transposeB ? b.shape[rb - 1] : b.shape[rb - 2];
  const n = transposeB ? b.shape[rb - 2] : b.shape[rb - 1];
  if (k !== kb) {
    throw new Error(
      `Error in matMul: inner shapes (${k}) and (${kb}) of Tensors with shapes ${a.shape} and ${b.shape} and transposeA=${transposeA} and transposeB=${transposeB} must match.`,
    );
  }
  const batchA = a.shape.slice(0, -2);
  const batchB = b.shape.slice(0, -2);
  const batchOut = tf.broadcast_util.assertAndGetBroadcastShape(batchA, batchB);
  return { m, k, n, batchA, batchB, batchOut };
}

/** Swap the last two axes into a new heap buffer (caller releases it). */
function transposeLast2(orig: OriginalKernels, backend: WasmBackendLike, x: tf.TensorInfo): tf.TensorInfo {
  const r = x.shape.length;
  const perm = [...Array(r - 2).keys(), r - 1, r - 2];
  return orig.transpose({ inputs: { x }, backend, attrs: { perm } }) as tf.TensorInfo;
}

/**
 * Materialise the requested transposes. Returns operands in plain layout a [...,M,K],
 * b [...,K,N] plus the temporaries to release.
 */
function untranspose(
  orig: OriginalKernels,
  backend: WasmBackendLike,
  a: tf.TensorInfo,
  b: tf.TensorInfo,
  { transposeA, transposeB }: MatMulAttrs,
): { a: tf.TensorInfo; b: tf.TensorInfo; temps: tf.TensorInfo[] } {
  const temps: tf.TensorInfo[] = [];
  let a2 = a;
  let b2 = b;
  if (transposeA) temps.push((a2 = transposeLast2(orig, backend, a)));
  if (transposeB) temps.push((b2 = transposeLast2(orig, backend, b)));
  return { a: a2, b: b2, temps };
}

/** Row-major strides of `shape`, with 0 for axes of size 1 (numpy broadcasting). */
function broadcastStrides(shape: readonly number[], rank: number): number[] {
  const padded = [...Array(rank - shape.length).fill(1), ...shape] as number[];
  const strides = new Array<number>(rank).fill(0);
  let s = 1;
  for (let i = rank - 1; i >= 0; i--) {
    strides[i] = padded[i] === 1 ? 0 : s;
    s *= padded[i];
  }
  return strides;
}

/**
 * The (a, b) matrix index pairs of a broadcast batched product, in output order: calls
 * `visit(i, ia, ib)` for output matrix i with a's matrix ia and b's matrix ib.
 */
function forEachMatrixPair(g: Geometry, visit: (i: number, ia: number, ib: number) => void): void {
  const rank = g.batchOut.length;
  const sa = broadcastStrides(g.batchA, rank);
  const sb = broadcastStrides(g.batchB, rank);
  const idx = new Array<number>(rank).fill(0);
  const count = tf.util.sizeFromShape(g.batchOut);
  for (let i = 0; i < count; i++) {
    let ia = 0;
    let ib = 0;
    for (let d = 0; d < rank; d++) {
      ia += idx[d] * sa[d];
      ib += idx[d] * sb[d];
    }
    visit(i, ia, ib);
    for (let d = rank - 1; d >= 0; d--) {
      if (++idx[d] < g.batchOut[d]) break;
      idx[d] = 0;
    }
  }
}

/** One untransposed product of two [1, M, K] × [1, K, N] buffers → [1, M, N] (caller releases). */
type SingleProduct = (a: tf.TensorInfo, b: tf.TensorInfo) => tf.TensorInfo;

/**
 * Both operands batched: one XNNPACK product per output matrix on copied slices.
 * a [...batchA, M, K], b [...batchB, K, N] in plain layout.
 */
function perMatrixProducts(backend: WasmBackendLike, a: tf.TensorInfo, b: tf.TensorInfo, g: Geometry, product: SingleProduct): tf.TensorInfo {
  const { m, k, n } = g;
  const out = backend.makeOutput([...g.batchOut, m, n], 'float32');
  forEachMatrixPair(g, (i, ia, ib) => {
    // Fresh buffers for each slice: XNNPACK caches its packed weights by b's buffer id.
    const ai = backend.makeOutput([1, m, k], 'float32');
    const bi = backend.makeOutput([1, k, n], 'float32');
    f32(backend, ai).set(f32(backend, a).subarray(ia * m * k, (ia + 1) * m * k));
    f32(backend, bi).set(f32(backend, b).subarray(ib * k * n, (ib + 1) * k * n));
    const oi = product(ai, bi);
    f32(backend, out).set(f32(backend, withShape(oi, [m * n])), i * m * n);
    release(backend, ai);
    release(backend, bi);
    release(backend, oi);
  });
  return out;
}

/**
 * The GEMM path (lib/backend/gemm): every output matrix is one call of our relaxed-SIMD GEMM,
 * reading the operands in place on the heap with strides (transposes cost nothing) and
 * broadcasting batch axes by stride 0. Bias (length n, added to every row) and ReLU are fused.
 */
function gemmProducts(
  backend: WasmBackendLike,
  gemm: LoadedGemm,
  a: tf.TensorInfo,
  b: tf.TensorInfo,
  g: Geometry,
  { transposeA, transposeB }: MatMulAttrs,
  epilogue: { bias?: tf.TensorInfo; relu?: boolean } = {},
): tf.TensorInfo {
  const { m, k, n } = g;
  const out = backend.makeOutput([...g.batchOut, m, n], 'float32');
  const scratch = backend.makeOutput([Math.ceil(SCRATCH_BYTES / 4)], 'float32');
  try {
    const pa = heapOffset(backend, a);
    const pb = heapOffset(backend, b);
    const pc = heapOffset(backend, out);
    const ps = heapOffset(backend, scratch);
    const bias = epilogue.bias ? heapOffset(backend, epilogue.bias) : undefined;
    const opA = (base: number): Operand => (transposeA ? { ptr: base, rs: 1, cs: m } : { ptr: base, rs: k, cs: 1 });
    const opB = (base: number): Operand => (transposeB ? { ptr: base, rs: 1, cs: k } : { ptr: base, rs: n, cs: 1 });
    forEachMatrixPair(g, (i, ia, ib) =>
      gemm.gemm({ m, n, k, a: opA(pa + 4 * ia * m * k), b: opB(pb + 4 * ib * k * n), c: pc + 4 * i * m * n, ldc: n, bias, relu: epilogue.relu, scratch: ps }),
    );
  } finally {
    release(backend, scratch);
  }
  return out;
}

/**
 * The BLAS path: one `cblas_sgemm` per output matrix on Float32Array views of the heap (each
 * sized to exactly what BLAS reads), transposes as flags, batch broadcast by index; when b is
 * shared by every output matrix and a is neither transposed nor broadcast, a's batch is folded
 * into rows (one call). Bias: written into every row of the output first, then beta = 1. ReLU:
 * in place afterwards. `simd` (the wasm GEMM module) does both loops when present.
 */
function blasProducts(
  backend: WasmBackendLike,
  blas: OpenBlas,
  threads: number,
  simd: LoadedGemm | null,
  a: tf.TensorInfo,
  b: tf.TensorInfo,
  g: Geometry,
  { transposeA, transposeB }: MatMulAttrs,
  epilogue: { bias?: tf.TensorInfo; relu?: boolean } = {},
): tf.TensorInfo {
  const { m, k, n } = g;
  const out = backend.makeOutput([...g.batchOut, m, n], 'float32');
  const count = tf.util.sizeFromShape(g.batchOut);
  const rows = count * m;
  // No allocation from here on: the heap cannot move, so views and addresses stay valid.
  const pc = heapOffset(backend, out);
  if (epilogue.bias) {
    if (simd) simd.fillRows(pc, n, rows, n, heapOffset(backend, epilogue.bias));
    else {
      const c = f32(backend, out);
      const bias = f32(backend, epilogue.bias).subarray(0, n);
      for (let i = 0; i < rows; i++) c.set(bias, i * n);
    }
  }
  const beta = epilogue.bias ? 1 : 0;
  const heap = heapMemory(backend).buffer;
  const pa = heapOffset(backend, a);
  const pb = heapOffset(backend, b);
  const view = (ptr: number, len: number): Float32Array => new Float32Array(heap, ptr, len);
  const opA = (ia: number, mRows = m): BlasOperand => ({ data: view(pa + 4 * ia * m * k, mRows * k), ld: transposeA ? m : k, trans: transposeA });
  const opB = (ib: number): BlasOperand => ({ data: view(pb + 4 * ib * k * n, k * n), ld: transposeB ? k : n, trans: transposeB });
  const nbA = tf.util.sizeFromShape(g.batchA);
  const nbB = tf.util.sizeFromShape(g.batchB);
  const fold = nbB === 1 && !transposeA && nbA === count;
  // Threads: the configured count for big products, one for small ones (BLAS_PARALLEL_MIN_WORK).
  blas.setThreads((fold ? rows : m) * n * k >= BLAS_PARALLEL_MIN_WORK ? threads : 1);
  if (fold) {
    blas.sgemm(rows, n, k, 1, opA(0, rows), opB(0), beta, view(pc, rows * n), n);
  } else {
    forEachMatrixPair(g, (i, ia, ib) => blas.sgemm(m, n, k, 1, opA(ia), opB(ib), beta, view(pc + 4 * i * m * n, m * n), n));
  }
  if (epilogue.relu) {
    if (simd) simd.reluTo(pc, pc, rows * n);
    else {
      const c = f32(backend, out);
      for (let i = 0; i < rows * n; i++) if (c[i] < 0) c[i] = 0;
    }
  }
  return out;
}

/** Which product implementations a replacement kernel may use (see the module doc). */
export interface ProductPaths {
  /** Use our wasm GEMM (when the engine has wasm SIMD). */
  gemm: boolean;
  /** The machine's OpenBLAS, for products of at least BLAS_MIN_WORK multiply-adds. */
  blas?: OpenBlas;
  /** OpenBLAS threads for products of at least BLAS_PARALLEL_MIN_WORK multiply-adds (read at every call). Default 1. */
  blasThreads?: () => number;
}

function pathsOf(p: boolean | ProductPaths): ProductPaths {
  return typeof p === 'boolean' ? { gemm: p } : p;
}

/** Our GEMM for this backend's heap when wanted and the engine supports wasm SIMD, else null. */
function gemmOf(backend: WasmBackendLike, useGemm: boolean): LoadedGemm | null {
  return useGemm ? gemmFor(heapMemory(backend)) : null;
}

/** OpenBLAS when configured and the product is big enough to repay the FFI call, else undefined. */
function blasFor(paths: ProductPaths, g: Geometry): OpenBlas | undefined {
  return paths.blas && g.m * g.n * g.k >= BLAS_MIN_WORK ? paths.blas : undefined;
}

/** Build the replacement BatchMatMul kernel function around the original ones. */
export function makeFastBatchMatMul(orig: OriginalKernels, paths: boolean | ProductPaths = true): tf.KernelFunc {
  const { gemm: useGemm, ...p } = pathsOf(paths);
  return (args) => {
    const backend = asWasmBackend(args.backend);
    const a = args.inputs.a as tf.TensorInfo;
    const b = args.inputs.b as tf.TensorInfo;
    const attrs = args.attrs as unknown as MatMulAttrs;
    if (a.dtype !== 'float32' || b.dtype !== 'float32') return orig.batchMatMul(args);
    const g = geometry(a, b, attrs);
    const nbA = tf.util.sizeFromShape(g.batchA);
    const nbB = tf.util.sizeFromShape(g.batchB);
    const outShape = [...g.batchOut, g.m, g.n];
    const plain = { transposeA: false, transposeB: false };
    if (tf.util.sizeFromShape(outShape) === 0 || g.k === 0) return orig.batchMatMul(args);
    const blas = blasFor({ gemm: useGemm, ...p }, g);
    if (blas) return blasProducts(backend, blas, p.blasThreads?.() ?? 1, gemmOf(backend, true), a, b, g, attrs);
    const gemm = gemmOf(backend, useGemm);
    if (gemm) return gemmProducts(backend, gemm, a, b, g, attrs);
    // Tiny batched products stay on the original loop, unless the batch broadcast is one the
    // original gets wrong (it sizes the output by max(batchA, batchB)).
    const originalBroadcastOk = tf.util.sizeFromShape(g.batchOut) === Math.max(nbA, nbB);
    if (nbB > 1 && g.m * g.k * g.n < SPLIT_MIN_WORK && originalBroadcastOk) return orig.batchMatMul(args);
    if (nbB === 1 && !attrs.transposeA && !attrs.transposeB && nbA === 1) return orig.batchMatMul(args);
    const u = untranspose(orig, backend, a, b, attrs);
    try {
      if (nbB === 1) {
        // Fold a's batch axes into rows: one [batch·M, K] × [K, N] product.
        const out = orig.batchMatMul({
          inputs: { a: withShape(u.a, [1, nbA * g.m, g.k]), b: withShape(u.b, [1, g.k, g.n]) },
          backend,
          attrs: plain,
        }) as tf.TensorInfo;
        return withShape(out, outShape);
      }
      const product: SingleProduct = (ai, bi) => orig.batchMatMul({ inputs: { a: ai, b: bi }, backend, attrs: plain }) as tf.TensorInfo;
      return withShape(perMatrixProducts(backend, u.a, u.b, g, product), outShape);
    } finally {
      for (const t of u.temps) release(backend, t);
    }
  };
}

/**
 * Build the replacement _FusedMatMul kernel (matMul + bias + activation, used by tf.fused.matMul
 * and tfjs-layers Dense). The core op passes rank-3 operands. Transposes are materialised; when
 * b has batch 1, a's batch is folded into rows (one call), otherwise one call per output matrix;
 * bias and activation are applied by the original kernel on XNNPACK's path.
 *
 * This also fixes a correctness bug of the original: its fallback loop (any transposed or
 * batched product) adds bias[min(i·N + j, N − 1)] — i.e. bias[N−1] for every row after the first.
 */
export function makeFastFusedMatMul(orig: OriginalKernels, paths: boolean | ProductPaths = true): tf.KernelFunc {
  const { gemm: useGemm, ...p } = pathsOf(paths);
  return (args) => {
    const backend = asWasmBackend(args.backend);
    const { a, b, bias, preluActivationWeights: prelu } = args.inputs as Record<string, tf.TensorInfo | undefined>;
    const attrs = args.attrs as unknown as MatMulAttrs & Record<string, unknown>;
    if (!a || !b || a.dtype !== 'float32' || b.dtype !== 'float32') return orig.fusedMatMul(args);
    const g = geometry(a, b, attrs);
    const nbA = tf.util.sizeFromShape(g.batchA);
    const nbB = tf.util.sizeFromShape(g.batchB);
    // XNNPACK reads a per-column bias of length N; PReLU weights must not depend on the batch
    // when products are split. Other shapes keep the original path.
    const biasOk = bias === undefined || tf.util.sizeFromShape(bias.shape) === g.n;
    const preluOk = prelu === undefined || nbB === 1 || tf.util.sizeFromShape(prelu.shape) <= g.n;
    if (!biasOk || !preluOk || g.k === 0 || g.m * g.n === 0) return orig.fusedMatMul(args);
    const activation = (attrs.activation as string | undefined) ?? 'linear';
    const blas = bias?.dtype === 'int32' ? undefined : blasFor({ gemm: useGemm, ...p }, g);
    if (blas && !prelu && (activation === 'linear' || activation === 'relu')) {
      return withShape(blasProducts(backend, blas, p.blasThreads?.() ?? 1, gemmOf(backend, true), a, b, g, attrs, { bias, relu: activation === 'relu' }), [...g.batchOut, g.m, g.n]);
    }
    const gemm = bias?.dtype === 'int32' ? null : gemmOf(backend, useGemm);
    if (gemm && !prelu && (activation === 'linear' || activation === 'relu')) {
      return withShape(gemmProducts(backend, gemm, a, b, g, attrs, { bias, relu: activation === 'relu' }), [...g.batchOut, g.m, g.n]);
    }
    if (nbA === 1 && nbB === 1 && !attrs.transposeA && !attrs.transposeB) return orig.fusedMatMul(args);
    const fusedAttrs = { ...attrs, transposeA: false, transposeB: false } as unknown as tf.NamedAttrMap;
    const product: SingleProduct = (ai, bi) => {
      const inputs: Record<string, tf.TensorInfo> = { a: ai, b: bi };
      if (bias) inputs.bias = bias;
      if (prelu) inputs.preluActivationWeights = prelu;
      return orig.fusedMatMul({ inputs, backend, attrs: fusedAttrs }) as tf.TensorInfo;
    };
    const u = untranspose(orig, backend, a, b, attrs);
    try {
      const outShape = [...g.batchOut, g.m, g.n];
      if (nbB === 1) return withShape(product(withShape(u.a, [1, nbA * g.m, g.k]), withShape(u.b, [1, g.k, g.n])), outShape);
      return withShape(perMatrixProducts(backend, u.a, u.b, g, product), outShape);
    } finally {
      for (const t of u.temps) release(backend, t);
    }
  };
}
