/**
 * divelab's wasm GEMM: C (+)= op(A)·op(B) on the tfjs wasm heap, with relaxed-SIMD fused
 * multiply-add when the engine has it (see wat.ts for the kernel and why).
 *
 * Loading: the module binary is generated from `gemmWat()` (binary.ts, checked against wabt by
 * tests/kernels/gemm.test.ts). Node 20's V8 has relaxed SIMD behind
 * `--experimental-wasm-relaxed-simd`; `loadGemmModule()` turns that flag on when the FMA binary
 * does not validate (it only widens what validates; it changes no other behaviour), and falls
 * back to the multiply-then-add binary when it still does not.
 *
 * Blocking (BLIS loop order): for each NC-column block of B, for each KC-deep slice, pack
 * B[kc × nc] into 8-column panels, then for each MC-row block of A pack A[mc × kc] into 4-row
 * panels and run the macro-kernel over the tiles. KC·8 floats of B (8 KB) and KC·4 of A (4 KB)
 * stay in L1 during a tile; an MC×KC block of A (64 KB) and a KC×NC block of B (256 KB) in L2.
 * Measured on our 2-core EPYC (512×2048×512): 30–35 GFLOP/s median, 16–18 without FMA, for
 * any of MR 4–6, KC 128–384, NC 256–512; MR = 4 divides the usual power-of-two sizes.
 *
 * Strides make transposes free: op(A)[i, p] is read at a + 4·(i·rsA + p·csA), so a transposed
 * operand only swaps its strides (no transpose is materialised).
 */
import { adamCoefficients, type AdamHyper } from 'divelab/lib/math/adamRule';
import { setFlagsFromString } from 'node:v8';
import { GEMM_WASM_BASE64 } from './binary';
import { MR, NR } from './wat';

/** Cache blocking (elements); see the module doc for the measurement behind them. */
export const BLOCKING = { MC: 16 * MR, KC: 256, NC: 256 } as const;

/** Bytes of scratch one `gemm` call needs (packed A block, packed B block, edge tile). */
export const SCRATCH_BYTES = 4 * (BLOCKING.MC * BLOCKING.KC + BLOCKING.KC * (BLOCKING.NC + NR) + MR * NR) + 64;

/** The parts of the WebAssembly JS API used here (the compiler's lib has no DOM types). */
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
}
export interface WasmModule {
  readonly __wasmModule?: never;
}
declare const WebAssembly: {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => WasmModule;
  Instance: new (module: WasmModule, imports: object) => { exports: unknown };
};

interface GemmExports {
  pack(src: number, sl: number, sk: number, len: number, kc: number, w: number, dst: number): void;
  macro(mc: number, nc: number, kc: number, ap: number, bp: number, c: number, ldc: number, accumulate: number, tile: number): void;
  fill_rows(c: number, ldc: number, m: number, n: number, v: number): void;
  relu(p: number, count: number): void;
  adam(p: number, g: number, m: number, v: number, po: number, mo: number, vo: number, count: number, scale: number, b1: number, b2: number, c1: number, c2: number, eps: number, lr: number, lrWd: number): void;
  colsum(x: number, m: number, n: number, out: number): void;
  sumsq(p: number, count: number): number;
  relu_to(x: number, out: number, count: number): void;
  relu_grad(dy: number, x: number, out: number, count: number): void;
  add_rows(x: number, b: number, out: number, m: number, n: number): void;
  transpose(src: number, dst: number, rows: number, cols: number, lds: number, ldd: number): void;
  sqdiff_sum(a: number, b: number, count: number): number;
  scaled_diff(a: number, b: number, s: number, out: number, count: number): void;
  tile_middle(src: number, dst: number, outer: number, reduced: number, inner: number): void;
}

export type { AdamHyper } from 'divelab/lib/math/adamRule';

/**
 * One fused Adam/AdamW update of `count` floats (byte addresses; outputs may not alias inputs),
 * the rule of lib/math/adamRule.ts with its `adamCoefficients`.
 */
export interface AdamCall extends AdamHyper {
  p: number;
  g: number;
  m: number;
  v: number;
  pOut: number;
  mOut: number;
  vOut: number;
  count: number;
}

/** One operand: byte address of element (0, 0) and element strides of rows and columns. */
export interface Operand {
  ptr: number;
  rs: number;
  cs: number;
}

/** C[m × n] (row stride ldc) = op(A)[m × k]·op(B)[k × n] (+ bias row) (then ReLU). */
export interface GemmCall {
  m: number;
  n: number;
  k: number;
  a: Operand;
  b: Operand;
  c: number;
  ldc: number;
  /** Byte address of n floats added to every row, or undefined. */
  bias?: number;
  relu?: boolean;
  /** Byte address of SCRATCH_BYTES of scratch memory. */
  scratch: number;
}

export interface LoadedGemm {
  /** Which binary: fused multiply-add (relaxed SIMD) or multiply then add. */
  readonly fma: boolean;
  /** Run one product (see GemmCall). */
  gemm(call: GemmCall): void;
  /** Run one fused Adam update (see AdamCall). */
  adam(call: AdamCall): void;
  /** out[j] = Σ_i x[i, j] for a row-major [m ≥ 1, n] at byte address x (rows added in order). */
  colsum(x: number, m: number, n: number, out: number): void;
  /** Σ x² over `count` floats at byte address p (float32 partial sums). */
  sumsq(p: number, count: number): number;
  /** Every row of C[m × n] (row stride ldc, byte address c) ← the n floats at byte address v. */
  fillRows(c: number, ldc: number, m: number, n: number, v: number): void;
  /** max(0, x) in place over `count` floats at byte address p. */
  relu(p: number, count: number): void;
  /** out = relu(x) over `count` floats (tfjs's values: NaN kept, −0 → +0); out may be x. */
  reluTo(x: number, out: number, count: number): void;
  /** out = dy·step(x) over `count` floats (the ReLU gradient, tfjs's values); out may be dy. */
  reluGrad(dy: number, x: number, out: number, count: number): void;
  /** out[i, j] = x[i, j] + b[j] over a row-major [m, n]; out may be x. */
  addRows(x: number, b: number, out: number, m: number, n: number): void;
  /** dst[j, i] = src[i, j] (4-byte elements) for a [rows, cols] block, row strides lds and ldd in elements; no overlap. */
  transpose(src: number, dst: number, rows: number, cols: number, lds: number, ldd: number): void;
  /** Σ (a − b)² over `count` floats: squares rounded to float32, summed in float64. */
  sqdiffSum(a: number, b: number, count: number): number;
  /** out = s·(a − b) over `count` floats (s rounded to float32); out may be a or b. */
  scaledDiff(a: number, b: number, s: number, out: number, count: number): void;
  /** dst[o, r, i] = src[o, i] (4-byte elements) for o < outer, r < reduced, i < inner. */
  tileMiddle(src: number, dst: number, outer: number, reduced: number, inner: number): void;
}

let compiled: { module: WasmModule; fma: boolean } | null | undefined;

function bytesOf(fma: boolean): Uint8Array {
  return Buffer.from(fma ? GEMM_WASM_BASE64.fma : GEMM_WASM_BASE64.plain, 'base64');
}

/** Compile one variant, or null when this engine rejects it (turns relaxed SIMD on for `fma`). */
export function compileGemm(fma: boolean): WasmModule | null {
  const bytes = bytesOf(fma);
  if (fma && !WebAssembly.validate(bytes)) setFlagsFromString('--experimental-wasm-relaxed-simd');
  return WebAssembly.validate(bytes) ? new WebAssembly.Module(bytes) : null;
}

/** The best variant this engine accepts (cached); null when wasm SIMD itself is missing. */
export function loadGemmModule(): { module: WasmModule; fma: boolean } | null {
  if (compiled !== undefined) return compiled;
  const fma = compileGemm(true);
  const plain = fma ? null : compileGemm(false);
  compiled = fma ? { module: fma, fma: true } : plain ? { module: plain, fma: false } : null;
  return compiled;
}

/** Bind a compiled variant to `memory` (the tfjs heap, or any memory in tests). */
export function instantiateGemm(module: WasmModule, fma: boolean, memory: WasmMemory): LoadedGemm {
  const e = new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as GemmExports;
  return {
    fma,
    gemm: (call) => runGemm(e, memory, call),
    adam: (c) =>
      ((k) => e.adam(c.p, c.g, c.m, c.v, c.pOut, c.mOut, c.vOut, c.count, k.scale, k.beta1, k.beta2, k.c1, k.c2, k.epsilon, k.lr, k.lrWd))(adamCoefficients(c)),
    colsum: (x, m, n, out) => e.colsum(x, m, n, out),
    sumsq: (p, count) => e.sumsq(p, count),
    fillRows: (c, ldc, m, n, v) => e.fill_rows(c, ldc, m, n, v),
    relu: (p, count) => e.relu(p, count),
    reluTo: (x, out, count) => e.relu_to(x, out, count),
    reluGrad: (dy, x, out, count) => e.relu_grad(dy, x, out, count),
    addRows: (x, b, out, m, n) => e.add_rows(x, b, out, m, n),
    transpose: (src, dst, rows, cols, lds, ldd) => e.transpose(src, dst, rows, cols, lds, ldd),
    sqdiffSum: (a, b, count) => e.sqdiff_sum(a, b, count),
    scaledDiff: (a, b, s, out, count) => e.scaled_diff(a, b, s, out, count),
    tileMiddle: (src, dst, outer, reduced, inner) => e.tile_middle(src, dst, outer, reduced, inner),
  };
}

const instances = new WeakMap<WasmMemory, LoadedGemm>();

/** The GEMM bound to `memory` (one instance per memory, cached), or null (see loadGemmModule). */
export function gemmFor(memory: WasmMemory): LoadedGemm | null {
  const cached = instances.get(memory);
  if (cached) return cached;
  const mod = loadGemmModule();
  if (!mod) return null;
  const loaded = instantiateGemm(mod.module, mod.fma, memory);
  instances.set(memory, loaded);
  return loaded;
}

function runGemm(e: GemmExports, memory: WasmMemory, call: GemmCall): void {
  const { m, n, k, a, b, c, ldc } = call;
  if (m <= 0 || n <= 0) return;
  const { MC, KC, NC } = BLOCKING;
  const scratch = Math.ceil(call.scratch / 64) * 64; // arithmetic, not bit ops: heap addresses may pass 2^31
  const ap = scratch;
  const bp = ap + 4 * MC * KC;
  const tile = bp + 4 * KC * (NC + NR);
  if (call.bias !== undefined) e.fill_rows(c, ldc, m, n, call.bias);
  const base = call.bias !== undefined ? 1 : 0;
  if (k === 0 && base === 0) {
    // An empty sum: zero rows (the output buffer arrives uninitialised).
    for (let i = 0; i < m; i++) new Float32Array(memory.buffer, c + 4 * i * ldc, n).fill(0);
  }
  for (let jc = 0; jc < n; jc += NC) {
    const nc = Math.min(NC, n - jc);
    for (let pc = 0; pc < k; pc += KC) {
      const kc = Math.min(KC, k - pc);
      e.pack(b.ptr + 4 * (pc * b.rs + jc * b.cs), b.cs, b.rs, nc, kc, NR, bp);
      for (let ic = 0; ic < m; ic += MC) {
        const mc = Math.min(MC, m - ic);
        e.pack(a.ptr + 4 * (ic * a.rs + pc * a.cs), a.rs, a.cs, mc, kc, MR, ap);
        e.macro(mc, nc, kc, ap, bp, c + 4 * (ic * ldc + jc), ldc, pc > 0 || base ? 1 : 0, tile);
      }
    }
  }
  if (call.relu) for (let i = 0; i < m; i++) e.relu_to(c + 4 * i * ldc, c + 4 * i * ldc, n);
}
