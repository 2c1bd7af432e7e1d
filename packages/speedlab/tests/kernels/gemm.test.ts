/**
 * lib/backend/gemm: the committed binary matches the WebAssembly text, and both variants
 * (relaxed-SIMD FMA and multiply-then-add) compute C = op(A)·op(B) (+ bias) (ReLU) to float32
 * accuracy against a float64 reference, for ragged sizes across every cache block, strided
 * (transposed) operands, an output row stride wider than n, and k = 0 — writing nothing
 * outside C. (tests/kernels/kernels.test.ts covers the same code through tfjs's kernels.)
 */
import { describe, expect, it } from 'vitest';
import { GEMM_WASM_BASE64 } from '../../src/gemm/binary';
import { gemmBinaries } from '../../src/gemm/compile';
import { BLOCKING, compileGemm, instantiateGemm, SCRATCH_BYTES, type LoadedGemm, type WasmMemory } from '../../src/gemm/gemm';

/** A growable WebAssembly.Memory (typed here: the compiler's lib has no DOM types). */
type GrowableMemory = WasmMemory & { grow(pages: number): number };
const { WebAssembly: Wasm } = globalThis as unknown as { WebAssembly: { Memory: new (d: { initial: number }) => GrowableMemory } };
import { makeRng } from '../../../../lib/util/random';

describe('GEMM binary', () => {
  it('binary.ts is the wabt compile of wat.ts (else run `npm run gen:gemm`)', async () => {
    const fresh = await gemmBinaries();
    expect(Buffer.from(fresh.fma).toString('base64')).toBe(GEMM_WASM_BASE64.fma);
    expect(Buffer.from(fresh.plain).toString('base64')).toBe(GEMM_WASM_BASE64.plain);
  });
});

interface Case {
  m: number;
  n: number;
  k: number;
  tA: boolean;
  tB: boolean;
  bias: boolean;
  relu: boolean;
  /** Extra columns in C's row stride (ldc = n + pad). */
  pad: number;
}

const { MC, KC, NC } = BLOCKING;
const CASES: Case[] = [
  { m: 4, n: 8, k: 1, tA: false, tB: false, bias: false, relu: false, pad: 0 }, // one full tile
  { m: 3, n: 5, k: 7, tA: false, tB: false, bias: false, relu: false, pad: 0 }, // one edge tile
  { m: MC + 3, n: NC + 5, k: KC + 9, tA: false, tB: false, bias: false, relu: false, pad: 0 },
  { m: MC + 3, n: NC + 5, k: KC + 9, tA: true, tB: false, bias: true, relu: false, pad: 0 },
  { m: 2 * MC + 1, n: 19, k: 2 * KC + 1, tA: false, tB: true, bias: false, relu: true, pad: 3 },
  { m: 33, n: 2 * NC + 7, k: 40, tA: true, tB: true, bias: true, relu: true, pad: 1 },
  { m: 6, n: 10, k: 0, tA: false, tB: false, bias: false, relu: false, pad: 2 }, // empty sum → zeros
  { m: 6, n: 10, k: 0, tA: false, tB: false, bias: true, relu: true, pad: 0 }, // → relu(bias)
];

function check(g: LoadedGemm, memory: GrowableMemory, c: Case, seed: number): void {
  const rng = makeRng(seed);
  const { m, n, k } = c;
  const ldc = n + c.pad;
  // Layout (floats): [guard | A | B | bias | guard | C | guard | scratch]
  const guard = 16;
  const aAt = guard;
  const bAt = aAt + m * k;
  const biasAt = bAt + k * n;
  const cAt = biasAt + n + guard;
  const scratchAt = cAt + m * ldc + guard;
  const floats = scratchAt + Math.ceil(SCRATCH_BYTES / 4) + 16;
  const pages = Math.ceil((floats * 4) / 65536);
  if (memory.buffer.byteLength < pages * 65536) memory.grow(pages - memory.buffer.byteLength / 65536);
  const f = new Float32Array(memory.buffer);
  f.fill(7.5); // sentinel everywhere, including C's padding
  const A = Float64Array.from({ length: m * k }, () => rng.normal()); // op(A) row-major [m, k]
  const B = Float64Array.from({ length: k * n }, () => rng.normal()); // op(B) row-major [k, n]
  const bias = Float64Array.from({ length: n }, () => rng.normal());
  // Stored transposed when asked: A as [k, m], B as [n, k].
  for (let i = 0; i < m; i++) for (let p = 0; p < k; p++) f[aAt + (c.tA ? p * m + i : i * k + p)] = A[i * k + p];
  for (let p = 0; p < k; p++) for (let j = 0; j < n; j++) f[bAt + (c.tB ? j * k + p : p * n + j)] = B[p * n + j];
  for (let j = 0; j < n; j++) f[biasAt + j] = bias[j];
  g.gemm({
    m,
    n,
    k,
    a: c.tA ? { ptr: 4 * aAt, rs: 1, cs: m } : { ptr: 4 * aAt, rs: k, cs: 1 },
    b: c.tB ? { ptr: 4 * bAt, rs: 1, cs: k } : { ptr: 4 * bAt, rs: n, cs: 1 },
    c: 4 * cAt,
    ldc,
    ...(c.bias ? { bias: 4 * biasAt } : {}),
    relu: c.relu,
    scratch: 4 * scratchAt,
  });
  const out = new Float32Array(memory.buffer);
  let worst = 0;
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = c.bias ? bias[j] : 0;
      let mag = Math.abs(s);
      for (let p = 0; p < k; p++) {
        s += A[i * k + p] * B[p * n + j];
        mag += Math.abs(A[i * k + p] * B[p * n + j]);
      }
      if (c.relu) s = Math.max(0, s);
      // float32 rounding of the inputs and of k products: bound by ε·(k+2)·Σ|terms|.
      worst = Math.max(worst, Math.abs(out[cAt + i * ldc + j] - s) / (1.2e-7 * (k + 2) * Math.max(mag, 1e-30)));
    }
    for (let j = n; j < ldc; j++) expect(out[cAt + i * ldc + j]).toBe(7.5); // row padding untouched
  }
  expect(worst).toBeLessThanOrEqual(1);
  for (let i = cAt - guard; i < cAt; i++) expect(out[i]).toBe(7.5);
  for (let i = cAt + m * ldc; i < cAt + m * ldc + guard; i++) expect(out[i]).toBe(7.5);
}

describe.each([true, false])('GEMM (fma = %s)', (fma) => {
  const module = compileGemm(fma);
  it('compiles on this engine', () => {
    expect(module).not.toBeNull();
  });
  it.each(CASES)('m=$m n=$n k=$k tA=$tA tB=$tB bias=$bias relu=$relu pad=$pad', (c) => {
    const memory = new Wasm.Memory({ initial: 1 });
    const g = instantiateGemm(module!, fma, memory);
    check(g, memory, c, 1000 + c.m * 7 + c.n * 13 + c.k);
  });
});
