/**
 * Backend selection: one place decides which TensorFlow.js backend runs the maths.
 *
 * Preference order: tfjs-node-gpu (CUDA) > tfjs-node (native libtensorflow) > webgpu (Dawn
 * over Vulkan, ./webgpu.ts; automatically only on a hardware GPU) > wasm (SIMD, single thread in
 * Node) > cpu (pure JS). The native packages are not dependencies of this project (their
 * install scripts download libtensorflow, which fails on machines without that network
 * access); they are used when the user has installed them. The webgpu backend installs from npm
 * alone; a software Vulkan adapter (Mesa's lavapipe) is used only when asked for by name
 * (`DIVE_BACKEND=webgpu`), since wasm is faster on a CPU. `DIVE_BACKEND` forces one backend by
 * name and fails loudly when it cannot be had.
 *
 * Once a backend is active, the speed lab (./plugin.ts, `@divelab/speedlab`), when installed,
 * registers its kernels and named-op implementations for it; the report says whether it is
 * active and why not.
 */
import * as tf from '@tensorflow/tfjs';
import { loadSpeedLab } from './plugin';
import { UserError } from '../util/errors';
import { adapterLine, patchWebGpuKernels, prepareWebGpu, type AdapterReport } from './webgpu';

export const BACKEND_NAMES = ['tensorflow-gpu', 'tensorflow', 'webgpu', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];

/** Accepted spellings for DIVE_BACKEND / --backend. */
const ALIASES: Record<string, BackendName> = {
  'tensorflow-gpu': 'tensorflow-gpu', 'tfjs-node-gpu': 'tensorflow-gpu', gpu: 'tensorflow-gpu',
  tensorflow: 'tensorflow', 'tfjs-node': 'tensorflow', node: 'tensorflow',
  webgpu: 'webgpu', dawn: 'webgpu',
  wasm: 'wasm', cpu: 'cpu',
};

export interface BackendReport {
  /** The active tfjs backend name (as tf.getBackend() reports it). */
  active: BackendName;
  /** Why each more-preferred backend was skipped. */
  skipped: { name: BackendName; reason: string }[];
  /** Where the choice came from. */
  requestedBy: 'default' | 'DIVE_BACKEND' | 'argument';
  /** Backend-specific facts (SIMD, threads). */
  details: Record<string, unknown>;
}

let current: BackendReport | undefined;

export function parseBackendName(name: string): BackendName {
  const b = ALIASES[name.trim().toLowerCase()];
  if (!b) {
    throw new Error(
      `unknown backend '${name}': use one of ${BACKEND_NAMES.join(', ')} (e.g. DIVE_BACKEND=wasm)`,
    );
  }
  return b;
}

/** The adapter of the webgpu backend once it initialised (for the report). */
let webgpuAdapter: AdapterReport | undefined;

/** Try to make `name` the active backend (`byName`: the user asked for it); returns a reason string on failure. */
async function tryBackend(name: BackendName, byName: boolean): Promise<string | undefined> {
  try {
    if (name === 'webgpu') {
      const r = await prepareWebGpu(byName);
      if ('reason' in r) return r.reason;
      if (!tf.findBackendFactory('webgpu')) return '@tensorflow/tfjs-backend-webgpu registered no backend (it was imported before navigator.gpu existed)';
      const ok = await tf.setBackend('webgpu');
      if (!ok) return `the webgpu backend failed to initialise on ${adapterLine(r.adapter)}`;
      patchWebGpuKernels(tf);
      webgpuAdapter = r.adapter;
      return undefined;
    }
    if (name === 'tensorflow-gpu' || name === 'tensorflow') {
      const pkg = name === 'tensorflow-gpu' ? '@tensorflow/tfjs-node-gpu' : '@tensorflow/tfjs-node';
      let resolved: string;
      try {
        resolved = require.resolve(`${pkg}/package.json`);
      } catch {
        return `${pkg} is not installed (npm install ${pkg} where its libtensorflow download works)`;
      }
      // danfojs-node's install aliases @tensorflow/tfjs-node to plain @tensorflow/tfjs.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const meta = require(resolved) as { name?: string };
      if (meta.name !== pkg) return `${pkg} resolves to ${meta.name ?? 'another package'} (an npm alias), not the native build`;
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      require(pkg);
      if (!tf.findBackend('tensorflow')) return `${pkg} loaded but registered no 'tensorflow' backend`;
      const ok = await tf.setBackend('tensorflow');
      return ok ? undefined : `${pkg} failed to initialise`;
    }
    if (name === 'wasm') {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      require('@tensorflow/tfjs-backend-wasm');
      const ok = await tf.setBackend('wasm');
      return ok ? undefined : 'the wasm backend failed to initialise';
    }
    const ok = await tf.setBackend('cpu');
    return ok ? undefined : 'the cpu backend failed to initialise';
  } catch (err) {
    return (err as Error).message.split('\n')[0];
  }
}

/**
 * Select and initialise the backend. With no argument, honours DIVE_BACKEND, else walks the
 * preference order. Idempotent: a second call with the same request returns the same report.
 */
export async function initBackend(requested?: string): Promise<BackendReport> {
  const fromEnv = process.env.DIVE_BACKEND?.trim();
  const wanted = requested ?? (fromEnv ? fromEnv : undefined);
  const requestedBy: BackendReport['requestedBy'] = requested ? 'argument' : fromEnv ? 'DIVE_BACKEND' : 'default';
  const forced = wanted ? parseBackendName(wanted) : undefined;
  if (current && (forced === undefined || current.active === forced) && tf.getBackend() === backendKey(current.active)) {
    return current;
  }
  const skipped: BackendReport['skipped'] = [];
  const order: readonly BackendName[] = forced ? [forced] : BACKEND_NAMES;
  for (const name of order) {
    const reason = await tryBackend(name, forced !== undefined);
    if (reason === undefined) {
      await tf.ready();
      current = { active: name, skipped, requestedBy, details: details(name) };
      await afterInit(name);
      // The speed lab's facts (DIVE_FAST_KERNELS, OpenBLAS present or not) once its hook ran.
      current.details = { ...current.details, ...(await speedLabDetails(name)) };
      return current;
    }
    skipped.push({ name, reason });
  }
  const why = skipped.map((s) => `${s.name}: ${s.reason}`).join('; ');
  throw new Error(forced ? `backend '${forced}' is unavailable (${why}); unset DIVE_BACKEND or pick another` : `no backend could start (${why})`);
}

function backendKey(name: BackendName): string {
  return name === 'tensorflow-gpu' ? 'tensorflow' : name;
}

function details(name: BackendName): Record<string, unknown> {
  if (name === 'webgpu' && webgpuAdapter) {
    const a = webgpuAdapter;
    return { adapter: adapterLine(a), software: a.software, adapterInfo: { vendor: a.vendor, architecture: a.architecture, device: a.device, description: a.description }, limits: a.limits, features: a.features };
  }
  if (name === 'wasm') {
    return {
      simd: tf.env().getBool('WASM_HAS_SIMD_SUPPORT'),
      wasmThreads: tf.env().getBool('WASM_HAS_MULTITHREAD_SUPPORT') ? 'multi' : 1,
    };
  }
  return {};
}

/** Whether the speed lab runs here and why not; on wasm, what runs the matrix products. */
async function speedLabDetails(name: BackendName): Promise<Record<string, unknown>> {
  const s = await loadSpeedLab();
  if (s.loaded) return s.lab.backendDetails(name);
  return { speedLab: `not active: ${s.reason}`, ...(name === 'wasm' ? { matMul: 'tfjs-backend-wasm kernels (no speed lab)' } : {}) };
}

/** Hooks run once a backend is active (kernel overrides register here). */
const initHooks: ((name: BackendName) => void | Promise<void>)[] = [];
export function onBackendInit(hook: (name: BackendName) => void | Promise<void>): void {
  initHooks.push(hook);
}
// The speed lab's kernels and op implementations (unless DIVE_FAST_KERNELS=0), when it is installed.
onBackendInit(async (name) => {
  const s = await loadSpeedLab();
  if (s.loaded) s.lab.onBackendInit(name);
});
async function afterInit(name: BackendName): Promise<void> {
  for (const h of initHooks) await h(name);
}

/**
 * Whether tensors of a backend can be read synchronously (`dataSync`): all but webgpu, whose
 * GPU-resident tensors tfjs reads only asynchronously in Node.
 */
export function readsSynchronously(name: BackendName): boolean {
  return name !== 'webgpu';
}

/**
 * Run `fn` on a backend that reads synchronously: the active one when it does, else wasm for the
 * duration, after which the previous backend is active again. For code that reads values inside
 * its loops (the companion pipelines: Detaux's stages, the sparse base-predictors' inner Lasso,
 * whose implicit gradient reads inside a gradient function); `fn` gets the backend it runs on.
 */
export async function withSyncReads<T>(fn: (backend: BackendName) => T | Promise<T>): Promise<T> {
  const before = await initBackend();
  if (readsSynchronously(before.active)) return fn(before.active);
  const on = await initBackend('wasm');
  try {
    return await fn(on.active);
  } finally {
    await tf.setBackend(backendKey(before.active));
    current = before;
  }
}

/**
 * Throw, saying what to do, when the active backend cannot read synchronously: for the library
 * entry points of code that does (`what` names it), so that a call on webgpu fails with the fix
 * instead of inside tfjs.
 */
export function requireSyncReads(what: string): void {
  if (!readsSynchronously(tf.getBackend() as BackendName)) {
    throw new UserError(`${what} reads values synchronously inside its loops, which the webgpu backend cannot: run it as backend.withSyncReads(() => …) (it uses wasm for the call) or with DIVE_BACKEND=wasm`);
  }
}

/** The last report, or undefined before initBackend ran. */
export function backendReport(): BackendReport | undefined {
  return current;
}

/** One line for humans: "wasm (simd=true, wasmThreads=1, matMul=…); skipped tensorflow-gpu: …". */
export function describeBackend(r: BackendReport): string {
  const d = Object.entries(r.details)
    .filter(([, v]) => typeof v !== 'object')
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(', ');
  const s = r.skipped.map((x) => `${x.name}: ${x.reason}`).join('; ');
  return `${r.active}${d ? ` (${d})` : ''}${r.requestedBy !== 'default' ? ` [from ${r.requestedBy}]` : ''}${s ? `; skipped ${s}` : ''}`;
}

export { tf };
