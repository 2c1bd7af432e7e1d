/**
 * The machine's BLAS (OpenBLAS) called through the `koffi` FFI, for the matrix products of the
 * tfjs wasm backend (src/kernels/matMul.ts).
 *
 * Why an FFI and not a Node-API addon (docs/performance.md §BLAS): koffi ships prebuilt binaries
 * for every common platform inside its npm packages, so `npm ci` installs it offline with no
 * compiler; an addon of our own would need node-gyp and a C toolchain at install time (or a
 * committed binary). Its cost is the call: ≈ 1.3–1.7 µs per `cblas_sgemm` with typed-array
 * arguments here, against ≈ 0.5 µs for our wasm GEMM on a 4×4×4 product, so products below
 * `BLAS_MIN_WORK` multiply-adds stay on the wasm GEMM. Safety: each operand is passed as a
 * Float32Array view sized to exactly the elements BLAS reads (rows × leading dimension), made
 * from the heap's current buffer immediately before the synchronous call, so an operand that
 * would run past the heap fails in JavaScript (RangeError) before any native code runs, and the
 * heap cannot move during the call (nothing allocates while native code runs).
 *
 * Finding the library: `DIVE_BLAS_LIB` (a path) when set, else `libopenblas.so.0` through the
 * dynamic loader's search path, else Debian's and Fedora's fixed locations (the pthread build
 * first). `loadOpenBlas()` never throws: it returns the library or the reason it is unusable
 * (koffi missing, no library found, a symbol missing, a 4×4 self-test that fails).
 */
import * as fs from 'node:fs';

/** CBLAS enum values (cblas.h). */
const ROW_MAJOR = 101;
const NO_TRANS = 111;
const TRANS = 112;

/** Products with fewer multiply-adds (m·n·k) than this run on the wasm GEMM (FFI call overhead; see the module doc). */
export const BLAS_MIN_WORK = 16 * 16 * 16;

/**
 * Products with fewer multiply-adds than this run on one OpenBLAS thread whatever the configured
 * count: below ≈ 10 M multiply-adds (≈ 0.7 ms on one core here) waking and joining a second
 * thread costs a noticeable share of the product, and on a busy machine a woken thread can wait
 * a whole scheduler slice. The choice depends only on the shape and DIVE_THREADS, so results
 * stay reproducible for a fixed DIVE_THREADS.
 */
export const BLAS_PARALLEL_MIN_WORK = 10_000_000;

/** One operand of `sgemm`: a view starting at element (0, 0), its leading dimension, and whether op() transposes it. */
export interface BlasOperand {
  data: Float32Array;
  ld: number;
  trans: boolean;
}

export interface OpenBlas {
  /** Path or soname the library was loaded from. */
  readonly path: string;
  /** `openblas_get_config()`, e.g. "OpenBLAS 0.3.21 DYNAMIC_ARCH NO_AFFINITY Zen MAX_THREADS=64". */
  readonly config: string;
  /** `openblas_get_corename()`: the kernel family OpenBLAS picked for this CPU (e.g. "Haswell", "Zen"). */
  readonly coreName: string;
  /**
   * Row-major C[m × n] (leading dimension ldc) = alpha·op(A)·op(B) + beta·C. `c` starts at
   * element (0, 0) of C; with beta = 0 C need not be initialised.
   */
  sgemm(m: number, n: number, k: number, alpha: number, a: BlasOperand, b: BlasOperand, beta: number, c: Float32Array, ldc: number): void;
  /** y ← alpha·x + y over n floats (unit strides). */
  saxpy(n: number, alpha: number, x: Float32Array, y: Float32Array): void;
  /** Set OpenBLAS's thread count (process-wide; a no-op when it already is n). */
  setThreads(n: number): void;
  /** OpenBLAS's current thread count. */
  threads(): number;
}

export type BlasLoad = { ok: true; blas: OpenBlas } | { ok: false; reason: string };

/** Where to look, in order (Debian/Ubuntu multiarch, Fedora/RHEL, macOS Homebrew). */
function candidates(env: NodeJS.ProcessEnv): string[] {
  const explicit = env.DIVE_BLAS_LIB?.trim();
  if (explicit) return [explicit];
  const arch = process.arch === 'arm64' ? 'aarch64-linux-gnu' : 'x86_64-linux-gnu';
  return [
    'libopenblas.so.0',
    `/usr/lib/${arch}/openblas-pthread/libopenblas.so.0`,
    `/usr/lib/${arch}/libopenblas.so.0`,
    '/usr/lib64/libopenblasp.so.0',
    '/usr/lib64/libopenblas.so.0',
    '/opt/homebrew/opt/openblas/lib/libopenblas.dylib',
    '/usr/local/opt/openblas/lib/libopenblas.dylib',
  ];
}

/** The parts of koffi used here (typed narrowly; koffi's own types are loose). */
interface KoffiLike {
  load(path: string): { func(definition: string): (...args: unknown[]) => unknown };
}

function loadKoffi(): KoffiLike | string {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require('koffi') as KoffiLike;
  } catch (err) {
    return `the koffi FFI package did not load (${(err as Error).message.split('\n')[0]}); run npm ci`;
  }
}

/** The file the dynamic loader actually mapped for `name` (Linux /proc/self/maps), else `name`. */
function resolvedPath(name: string): string {
  if (name.startsWith('/')) return name;
  try {
    const base = name.replace(/\.so.*$/, '');
    const line = fs.readFileSync('/proc/self/maps', 'utf8').split('\n').find((l) => l.includes(`/${base}`));
    const file = line?.slice(line.indexOf('/'));
    return file ? `${file} (${name})` : name;
  } catch {
    return name;
  }
}

function bind(koffi: KoffiLike, name: string): OpenBlas {
  const lib = koffi.load(name);
  const path = resolvedPath(name);
  const sgemm = lib.func('void cblas_sgemm(int, int, int, int, int, int, float, float *, int, float *, int, float, float *, int)');
  const saxpy = lib.func('void cblas_saxpy(int, float, float *, int, float *, int)');
  const setThreads = lib.func('void openblas_set_num_threads(int)');
  const getThreads = lib.func('int openblas_get_num_threads()');
  const config = String(lib.func('const char *openblas_get_config()')()).trim();
  let current = getThreads() as number;
  const coreName = String(lib.func('const char *openblas_get_corename()')()).trim();
  return {
    path,
    config,
    coreName,
    sgemm(m, n, k, alpha, a, b, beta, c, ldc) {
      sgemm(ROW_MAJOR, a.trans ? TRANS : NO_TRANS, b.trans ? TRANS : NO_TRANS, m, n, k, alpha, a.data, a.ld, b.data, b.ld, beta, c, ldc);
    },
    saxpy(n, alpha, x, y) {
      saxpy(n, alpha, x, 1, y, 1);
    },
    setThreads(count) {
      if (count === current) return;
      setThreads(count);
      current = count;
    },
    threads() {
      return (current = getThreads() as number);
    },
  };
}

/** A 2×3 · 3×2 product with transposed B, checked exactly (small integers are exact in float32). */
function selfTest(blas: OpenBlas): string | undefined {
  const a = new Float32Array([1, 2, 3, 4, 5, 6]); // [2 × 3]
  const bt = new Float32Array([1, 0, 2, -1, 3, 1]); // B stored as [2 × 3], op(B) = Bᵀ [3 × 2]
  const c = new Float32Array(4);
  blas.sgemm(2, 2, 3, 1, { data: a, ld: 3, trans: false }, { data: bt, ld: 3, trans: true }, 0, c, 2);
  const want = [1 + 0 + 6, -1 + 6 + 3, 4 + 0 + 12, -4 + 15 + 6];
  return c.every((v, i) => v === want[i]) ? undefined : `cblas_sgemm self-test gave [${Array.from(c)}], expected [${want}]`;
}

let cached: BlasLoad | undefined;

/** Load OpenBLAS once per process (cached), or say why not. */
export function loadOpenBlas(env: NodeJS.ProcessEnv = process.env): BlasLoad {
  if (cached) return cached;
  cached = loadUncached(env);
  return cached;
}

/** Forget the cached result (tests that change DIVE_BLAS_LIB). */
export function resetOpenBlasCache(): void {
  cached = undefined;
}

function loadUncached(env: NodeJS.ProcessEnv): BlasLoad {
  const koffi = loadKoffi();
  if (typeof koffi === 'string') return { ok: false, reason: koffi };
  const tried: string[] = [];
  for (const path of candidates(env)) {
    if (path.startsWith('/') && !fs.existsSync(path)) {
      tried.push(`${path} (absent)`);
      continue;
    }
    let blas: OpenBlas;
    try {
      blas = bind(koffi, path);
    } catch (err) {
      tried.push(`${path} (${(err as Error).message.split('\n')[0]})`);
      continue;
    }
    const bad = selfTest(blas);
    if (bad) return { ok: false, reason: `${path}: ${bad}` };
    return { ok: true, blas };
  }
  const hint = env.DIVE_BLAS_LIB?.trim() ? 'fix or unset DIVE_BLAS_LIB' : "install Debian's libopenblas0-pthread (dive setup does, as root)";
  return { ok: false, reason: `no OpenBLAS library found (tried ${tried.join(', ')}); ${hint}` };
}
