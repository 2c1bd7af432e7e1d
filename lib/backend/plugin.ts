/**
 * The speed lab as a plugin: `@divelab/speedlab` (packages/speedlab in the repository, a
 * workspace package built by the root install) holds the fast wasm kernels, the GEMM, the
 * OpenBLAS binding, the data-parallel trainer and `dive bench`. divelab never imports it
 * statically: ./select.ts loads it here when a backend initialises (it registers its kernels and
 * its implementations of the named ops, ./ops.ts), `dive bench` reaches the bench through it,
 * and without it divelab runs plain tfjs (tfjs's kernels, the ops' definitions).
 *
 * `DIVE_SPEEDLAB=0` makes divelab behave as if the speed lab were not installed.
 */
import type { Command } from '../util/command';
import { UserError } from '../util/errors';

export const SPEEDLAB_PACKAGE = '@divelab/speedlab';

/** What the speed lab offers divelab (its package exports it as `speedLab`). */
export interface SpeedLab {
  /** The package version. */
  readonly version: string;
  /** Backend-init hook: on wasm, register the fast kernels and op implementations that `DIVE_FAST_KERNELS` asks for (or restore tfjs's). */
  onBackendInit(backendName: string): void;
  /** Facts for the backend report once `onBackendInit` ran: `speedLab` (one line), and on wasm what runs the products. */
  backendDetails(backendName: string): Record<string, unknown>;
  /** Whether OpenBLAS loads (for `dive setup`), looked up afresh. */
  openBlas(): { ok: true; detail: string } | { ok: false; reason: string };
  /** The `dive bench` command (loads the bench on first use). */
  benchCommand(): Promise<Command>;
}

export type SpeedLabStatus = { loaded: true; lab: SpeedLab } | { loaded: false; reason: string };

let cached: SpeedLabStatus | undefined;

function disabled(): boolean {
  const v = process.env.DIVE_SPEEDLAB?.trim().toLowerCase();
  return v === '0' || v === 'false' || v === 'off' || v === 'no';
}

/** Load the speed lab once (later calls return the same answer); never throws. */
export async function loadSpeedLab(): Promise<SpeedLabStatus> {
  if (disabled()) return { loaded: false, reason: 'turned off by DIVE_SPEEDLAB=0' };
  if (cached) return cached;
  // A variable specifier: no static dependency (and no type dependency) on the package.
  const specifier: string = SPEEDLAB_PACKAGE;
  try {
    const mod = (await import(specifier)) as { speedLab?: SpeedLab; default?: { speedLab?: SpeedLab } };
    const lab = mod.speedLab ?? mod.default?.speedLab;
    cached = lab ? { loaded: true, lab } : { loaded: false, reason: `${SPEEDLAB_PACKAGE} exports no speedLab (a version mismatch?)` };
  } catch (err) {
    const e = err as { code?: string; message?: string };
    const missing = (e.code === 'ERR_MODULE_NOT_FOUND' || e.code === 'MODULE_NOT_FOUND') && String(e.message).includes(SPEEDLAB_PACKAGE);
    cached = {
      loaded: false,
      reason: missing ? `${SPEEDLAB_PACKAGE} is not installed (in the repository, npm ci builds it from packages/speedlab)` : `${SPEEDLAB_PACKAGE} failed to load: ${String(e.message ?? err).split('\n')[0]}`,
    };
  }
  return cached;
}

/** The speed lab, or a UserError (`dive: …`) saying that `what` needs it and why it is not there. */
export async function requireSpeedLab(what: string): Promise<SpeedLab> {
  const s = await loadSpeedLab();
  if (!s.loaded) throw new UserError(`${what} needs the speed lab, which is unavailable: ${s.reason}`);
  return s.lab;
}
