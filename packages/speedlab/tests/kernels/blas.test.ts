/**
 * The OpenBLAS path (lib/backend/blas): the library loads and passes its self-test, DIVE_THREADS
 * is parsed, products really go through cblas_sgemm (counted on the real library object), and
 * results are reproducible: bitwise identical for a fixed thread count, and within a measured
 * bound across thread counts (docs/performance.md §BLAS determinism). The float64-reference
 * checks of every shape, transpose, batch broadcast, fused bias/ReLU and gradient run for the
 * `blas` kind in kernels.test.ts. Skipped, with the reason, only when OpenBLAS is absent
 * (.ci/run installs libopenblas0-pthread).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '../../../../lib/backend/select';
import { activeFastKernels, productPath, registerFastWasmKernels } from '../../src/kernels';
import { BLAS_MIN_WORK, BLAS_PARALLEL_MIN_WORK, blasThreadsWanted, loadOpenBlas, resetOpenBlasCache, type OpenBlas } from '../../src/blas';
import { makeRng } from '../../../../lib/util/random';
import { UserError } from '../../../../lib/util/errors';
import { main } from '../../../../lib/cli/main';

const loaded = loadOpenBlas();
if (!loaded.ok) console.warn(`blas.test: skipping the OpenBLAS checks: ${loaded.reason}`);
const withBlas = loaded.ok ? describe : describe.skip;

const rng = makeRng(14);
function randn(shape: number[]): tf.Tensor {
  const v = new Float32Array(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < v.length; i++) v[i] = rng.normal();
  return tf.tensor(v, shape, 'float32');
}

describe('DIVE_THREADS', () => {
  it('defaults to every core for one process, 1 in a worker thread or a shard, and honours the variable', () => {
    expect(blasThreadsWanted({}, { worker: false, sharded: false, cores: 6 })).toEqual({ threads: 6, why: 'all 6 cores (one training process)' });
    expect(blasThreadsWanted({}, { worker: true, cores: 6 }).threads).toBe(1);
    expect(blasThreadsWanted({}, { worker: false, sharded: true, cores: 6 }).threads).toBe(1);
    expect(blasThreadsWanted({ DIVE_THREADS: 'auto' }, { worker: false, sharded: false, cores: 3 }).threads).toBe(3);
    expect(blasThreadsWanted({ DIVE_THREADS: ' 2 ' }, { worker: true })).toEqual({ threads: 2, why: 'DIVE_THREADS' });
    for (const bad of ['0', '1.5', 'two', '999']) {
      expect(() => blasThreadsWanted({ DIVE_THREADS: bad })).toThrow(UserError);
    }
    expect(() => blasThreadsWanted({ DIVE_THREADS: 'two' })).toThrow(/DIVE_THREADS must be an integer from 1 to 256 or 'auto', got 'two'/);
  });

  it('a DIVE_BLAS_LIB that does not exist is reported as the reason, not thrown', () => {
    resetOpenBlasCache();
    try {
      const r = loadOpenBlas({ DIVE_BLAS_LIB: '/nonexistent/libopenblas.so.0' });
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.reason).toMatch(/no OpenBLAS library found .*\/nonexistent\/libopenblas\.so\.0 \(absent\).*fix or unset DIVE_BLAS_LIB/);
    } finally {
      resetOpenBlasCache();
      loadOpenBlas();
    }
  });
});

withBlas('OpenBLAS products', () => {
  let blas: OpenBlas | undefined;
  const savedThreads = process.env.DIVE_THREADS;
  /** Re-register the blas kernels with DIVE_THREADS = n (undefined: unset). */
  const useThreads = (n: number | undefined): void => {
    if (n === undefined) delete process.env.DIVE_THREADS;
    else process.env.DIVE_THREADS = String(n);
    registerFastWasmKernels('blas');
  };
  beforeAll(async () => {
    await initBackend('wasm');
    registerFastWasmKernels('blas');
    const now = loadOpenBlas(); // the object the kernels hold (the cache may have been reset above)
    if (now.ok) blas = now.blas;
  });
  afterAll(() => {
    if (savedThreads === undefined) delete process.env.DIVE_THREADS;
    else process.env.DIVE_THREADS = savedThreads;
    registerFastWasmKernels();
  });

  it('is the default product path, and says which library and thread count', () => {
    registerFastWasmKernels();
    expect(activeFastKernels()).toBe('blas');
    const p = productPath();
    expect(p.kind).toBe('blas');
    expect(p.blas?.config).toMatch(/OpenBLAS/);
    expect(p.description).toMatch(/OpenBLAS .* kernels, \d+ threads? \(/);
  });

  it('runs every product of at least BLAS_MIN_WORK multiply-adds through cblas_sgemm, smaller ones on the wasm GEMM', () => {
    const original = blas!.sgemm;
    let calls = 0;
    blas!.sgemm = (...args) => {
      calls++;
      original.apply(blas, args);
    };
    try {
      const a = randn([4, 24, 40]);
      const w = randn([40, 32]);
      const bias = randn([32]);
      tf.tidy(() => {
        tf.matMul(a, w).dataSync(); // batch folded into rows: one call
        expect(calls).toBe(1);
        tf.matMul(a, randn([4, 32, 24]), true, true).dataSync(); // batched, both transposed: 4 calls
        expect(calls).toBe(5);
        tf.fused.matMul({ a: a as tf.Tensor3D, b: tf.reshape(w, [1, 40, 32]) as tf.Tensor3D, bias, activation: 'relu' }).dataSync();
        expect(calls).toBe(6);
        expect(4 * 4 * 4 < BLAS_MIN_WORK).toBe(true);
        tf.matMul(randn([4, 4]), randn([4, 4])).dataSync(); // tiny: wasm GEMM
        expect(calls).toBe(6);
      });
      tf.dispose([a, w, bias]);
    } finally {
      blas!.sgemm = original;
    }
  });

  it('gives bitwise identical results for a fixed thread count, and stays within 1e-5 (relative) across 1 and 2 threads', () => {
    const a = randn([192, 768]);
    const b = randn([768, 256]);
    expect(192 * 768 * 256 >= BLAS_PARALLEL_MIN_WORK).toBe(true);
    const run = (threads: number): Float32Array => {
      useThreads(threads);
      return tf.tidy(() => tf.matMul(a, b, false, false).dataSync() as Float32Array);
    };
    const one = run(1);
    expect(run(1)).toEqual(one);
    const two = run(2);
    expect(run(2)).toEqual(two);
    let maxDiff = 0;
    let maxAbs = 0;
    for (let i = 0; i < one.length; i++) {
      maxDiff = Math.max(maxDiff, Math.abs(one[i] - two[i]));
      maxAbs = Math.max(maxAbs, Math.abs(one[i]));
    }
    expect(maxDiff / maxAbs).toBeLessThanOrEqual(1e-5);
    tf.dispose([a, b]);
    useThreads(savedThreads === undefined ? undefined : Number(savedThreads));
  });

  it('runs small products on one thread whatever DIVE_THREADS says, big ones on DIVE_THREADS threads', () => {
    useThreads(2);
    const original = blas!.setThreads;
    const asked: number[] = [];
    blas!.setThreads = (n) => {
      asked.push(n);
      original.call(blas, n);
    };
    try {
      tf.tidy(() => {
        tf.matMul(randn([64, 128]), randn([128, 128])).dataSync(); // 1 M multiply-adds
        tf.matMul(randn([256, 512]), randn([512, 128])).dataSync(); // 16.8 M
      });
      expect(asked).toEqual([1, 2]);
    } finally {
      blas!.setThreads = original;
      useThreads(savedThreads === undefined ? undefined : Number(savedThreads));
    }
  });

  it('dive backend names the product path', async () => {
    const io = { lines: [] as string[], out(l: string) { this.lines.push(l); }, err() {}, json(v: unknown) { this.lines.push(JSON.stringify(v)); }, interactive: false };
    expect(await main(['backend', '--backend', 'wasm', '--json'], io)).toBe(0);
    const report = JSON.parse(io.lines[0]) as { details: { matMul: string; blas: { config: string } } };
    expect(report.details.matMul).toMatch(/^OpenBLAS .* kernels, \d+ threads? /);
    expect(report.details.blas.config).toMatch(/^OpenBLAS /);
  });

  it('leaks no tensors and no wasm heap buffers (bias + ReLU epilogue included)', () => {
    const backend = tf.backend() as unknown as { numDataIds(): number };
    const x = randn([3, 20, 48]);
    const w = randn([48, 40]);
    const bias = randn([40]);
    const run = (): void =>
      tf.tidy(() => {
        tf.fused.matMul({ a: x as tf.Tensor3D, b: tf.reshape(w, [1, 48, 40]) as tf.Tensor3D, bias, activation: 'relu' }).dataSync();
        const g = tf.grads((p: tf.Tensor, q: tf.Tensor) => tf.sum(tf.relu(tf.matMul(p, q))));
        g([tf.reshape(x, [60, 48]), w]).forEach((t) => t.dataSync());
      });
    run();
    const tensors = tf.memory().numTensors;
    const ids = backend.numDataIds();
    run();
    run();
    expect(tf.memory().numTensors).toBe(tensors);
    expect(backend.numDataIds()).toBe(ids);
    tf.dispose([x, w, bias]);
  });
});
