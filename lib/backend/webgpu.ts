/**
 * The WebGPU backend in Node: Dawn's Node bindings (the `webgpu` npm package, a prebuilt
 * `dawn.node` that loads the system's Vulkan loader `libvulkan.so.1` at run time) under
 * `@tensorflow/tfjs-backend-webgpu`. Nothing here needs a network or a CUDA toolkit: any Vulkan
 * driver will do — the GPU vendor's (NVIDIA's ICD file, found through `VK_DRIVER_FILES` or the
 * standard ICD folders), or Mesa's software rasteriser lavapipe (scripts/install-vulkan.sh), on
 * which CI runs the GPU path.
 *
 * What ./select.ts needs to know about an adapter: whether it is hardware (chosen automatically
 * after the native tfjs backends) or software (lavapipe, SwiftShader: only when asked for by
 * name, since wasm is faster on a CPU). Facts learnt getting it to run (docs/design.md, "Backends"):
 * - tfjs-backend-webgpu registers its backend only if `navigator.gpu` exists when it is first
 *   imported, and uses the WebGPU globals (`GPUBufferUsage`, …): both are installed first.
 * - Tensors on the GPU cannot be read synchronously (`dataSync` throws "OffscreenCanvas is not
 *   defined"); everything divelab trains with reads with `await data()` (lib/train).
 */
import * as fs from 'node:fs';

/** What Dawn reports about the adapter tfjs will use. */
export interface AdapterReport {
  readonly vendor: string;
  readonly architecture: string;
  readonly device: string;
  readonly description: string;
  /** A CPU implementation (lavapipe, SwiftShader): Dawn's `isFallbackAdapter`, or architecture "software", or a known software device name. */
  readonly software: boolean;
  /** The limits that bound tfjs's kernels. */
  readonly limits: Record<string, number>;
  readonly features: string[];
}

interface GpuAdapterLike {
  readonly info?: Record<string, unknown>;
  readonly limits: Record<string, unknown>;
  readonly features: Iterable<string>;
  readonly isFallbackAdapter?: boolean;
}
interface GpuLike {
  requestAdapter(options?: { powerPreference?: string }): Promise<GpuAdapterLike | null>;
}

/** The adapter limits the report carries. */
const LIMITS = ['maxBufferSize', 'maxStorageBufferBindingSize', 'maxComputeWorkgroupStorageSize', 'maxComputeInvocationsPerWorkgroup', 'maxComputeWorkgroupSizeX', 'maxComputeWorkgroupsPerDimension'] as const;

const SOFTWARE_DEVICE = /llvmpipe|lavapipe|swiftshader|softpipe/i;

/** Device nodes a hardware GPU exposes on Linux (DRM render nodes, NVIDIA's character devices). */
export function gpuDeviceNodes(): string[] {
  const list = (dir: string, re: RegExp): string[] => {
    try {
      return fs.readdirSync(dir).filter((f) => re.test(f)).map((f) => `${dir}/${f}`);
    } catch {
      return [];
    }
  };
  return [...list('/dev/dri', /^renderD\d+$/), ...list('/dev', /^nvidia\d+$/)];
}

let dawn: Promise<GpuLike> | undefined;

/**
 * Load Dawn once and install what tfjs-backend-webgpu expects of a browser: the WebGPU globals
 * and `navigator.gpu`. Throws when the `webgpu` package or its native module cannot load.
 */
export function loadDawn(): Promise<GpuLike> {
  dawn ??= (async () => {
    // A variable specifier keeps this an ESM import() in the CommonJS build (webgpu is an ES module).
    const specifier: string = 'webgpu';
    const mod = (await import(specifier)) as { create(flags: string[]): GpuLike; globals: Record<string, unknown> };
    const g = globalThis as Record<string, unknown>;
    for (const [k, v] of Object.entries(mod.globals)) if (!(k in g)) g[k] = v;
    const gpu = mod.create([]);
    const nav = g.navigator as Record<string, unknown> | undefined;
    if (nav === undefined) g.navigator = { gpu };
    else if (!('gpu' in nav) || nav.gpu === undefined) Object.defineProperty(nav, 'gpu', { value: gpu, configurable: true });
    return gpu;
  })();
  return dawn;
}

/** The adapter Dawn offers tfjs (high-performance preference, as tfjs asks), or null when there is none. */
export async function probeAdapter(gpu: GpuLike): Promise<AdapterReport | null> {
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) return null;
  const info = adapter.info ?? {};
  const str = (k: string): string => (typeof info[k] === 'string' ? (info[k] as string) : '');
  const fallback = info.isFallbackAdapter === true || adapter.isFallbackAdapter === true;
  const limits: Record<string, number> = {};
  for (const k of LIMITS) if (typeof adapter.limits[k] === 'number') limits[k] = adapter.limits[k] as number;
  const report = { vendor: str('vendor'), architecture: str('architecture'), device: str('device'), description: str('description') };
  return {
    ...report,
    software: fallback || report.architecture === 'software' || SOFTWARE_DEVICE.test(`${report.device} ${report.description}`),
    limits,
    features: [...adapter.features].sort(),
  };
}

/** One line naming an adapter: "mesa software llvmpipe… (llvmpipe: Mesa 25.0.7 …)". */
export function adapterLine(a: AdapterReport): string {
  return `${[a.vendor, a.architecture, a.device].filter(Boolean).join(' ')}${a.description ? ` (${a.description})` : ''}${a.software ? ', software' : ''}`;
}

/**
 * Make tfjs-backend-webgpu's backend available: Dawn loaded, an adapter found and classified,
 * the backend package imported. `byName`: the user asked for webgpu (a software adapter is then
 * accepted). Returns the adapter, or the reason it cannot be used.
 */
export async function prepareWebGpu(byName: boolean): Promise<{ adapter: AdapterReport } | { reason: string }> {
  if (!byName) {
    // Automatic choice: only a hardware GPU beats wasm, and without a device node there is none
    // (this also spares CPU machines the ~0.5 s of loading Dawn and asking for an adapter).
    if (gpuDeviceNodes().length === 0) return { reason: 'no GPU device node (/dev/dri/renderD*, /dev/nvidia*); DIVE_BACKEND=webgpu uses a software Vulkan driver if one is installed' };
  }
  let gpu: GpuLike;
  try {
    gpu = await loadDawn();
  } catch (err) {
    return { reason: `the webgpu package (Dawn) failed to load: ${String((err as Error).message).split('\n')[0]}` };
  }
  let adapter: AdapterReport | null;
  try {
    adapter = await probeAdapter(gpu);
  } catch (err) {
    return { reason: `Dawn's adapter request failed: ${String((err as Error).message).split('\n')[0]}` };
  }
  if (!adapter) return { reason: 'Dawn found no WebGPU adapter: no Vulkan driver (install the GPU vendor\'s, or Mesa\'s lavapipe: scripts/install-vulkan.sh; VK_DRIVER_FILES points the loader at an ICD file)' };
  if (adapter.software && !byName) return { reason: `the only adapter is software (${adapterLine(adapter)}), slower than wasm; DIVE_BACKEND=webgpu uses it` };
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require('@tensorflow/tfjs-backend-webgpu');
  } catch (err) {
    return { reason: `@tensorflow/tfjs-backend-webgpu failed to load: ${String((err as Error).message).split('\n')[0]}` };
  }
  return { adapter };
}

let addNPatched = false;

/**
 * tfjs-backend-webgpu 4.22's AddN binds every input as a storage buffer, so more inputs than
 * the device's `maxStorageBuffersPerShaderStage` − 1 (7 on a default device) make an invalid
 * pipeline — and NaN downstream (the gradient norm over DeepDIVE's ~30 variables hit it). Its
 * Concat splits long input lists; this wraps AddN the same way: sums of at most that many
 * inputs, chained left to right (so the additions happen in the order of one AddN). Idempotent.
 */
export function patchWebGpuKernels(tfx: typeof import('@tensorflow/tfjs')): void {
  if (addNPatched) return;
  const original = tfx.getKernel(tfx.AddN, 'webgpu');
  if (!original) return;
  addNPatched = true;
  const run = original.kernelFunc;
  tfx.unregisterKernel(tfx.AddN, 'webgpu');
  tfx.registerKernel({
    kernelName: tfx.AddN,
    backendName: 'webgpu',
    kernelFunc: (args) => {
      const inputs = Object.values(args.inputs) as import('@tensorflow/tfjs').TensorInfo[];
      const backend = args.backend as { device: { limits: { maxStorageBuffersPerShaderStage: number } }; disposeData(id: object): boolean };
      const most = Math.max(2, backend.device.limits.maxStorageBuffersPerShaderStage - 1);
      if (inputs.length <= most) return run(args);
      let acc = run({ ...args, inputs: inputs.slice(0, most) as unknown as import('@tensorflow/tfjs').NamedTensorInfoMap }) as import('@tensorflow/tfjs').TensorInfo;
      for (let i = most; i < inputs.length; i += most - 1) {
        const next = run({ ...args, inputs: [acc, ...inputs.slice(i, i + most - 1)] as unknown as import('@tensorflow/tfjs').NamedTensorInfoMap }) as import('@tensorflow/tfjs').TensorInfo;
        backend.disposeData(acc.dataId);
        acc = next;
      }
      return acc;
    },
  });
}
