/**
 * Named operations: the one seam between the research code and the speed lab.
 *
 * The research code (lib/models, lib/objectives, lib/train) defines each of its operations once,
 * in plain tfjs, where the maths lives — `defineOp('klStandardNormal', (mu, logvar) => …)` next
 * to E1's prior term — and calls what `defineOp` returns. It never names a kernel. The speed lab
 * (packages/speedlab, loaded by ./select.ts as a plugin when installed) registers, for some op
 * names and one tfjs backend, a faster implementation (its wasm kernels with gradients of their
 * own, the in-place Adam, …); a call runs it where one is registered for the active backend,
 * else the definition. An implementation may decline a call (a dtype or shape it does not take)
 * by returning `DECLINE`, and the definition runs instead.
 *
 * Every implementation agrees with its op's definition (values and gradients to float32
 * rounding, or bit for bit where its tests say so: packages/speedlab/tests). With no
 * implementation registered (no speed lab, another backend, `DIVE_FAST_KERNELS=0`) the
 * definitions are the whole computation.
 *
 * The registry lives on globalThis, so that two copies of this module (the compiled library and
 * its TypeScript sources in one process) share it, as tfjs's kernel registry is shared.
 */
import * as tf from '@tensorflow/tfjs';

/** What an implementation returns to leave a call to the op's definition. */
export const DECLINE: unique symbol = Symbol.for('divelab.ops.decline');
export type Decline = typeof DECLINE;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyFn = (...args: any[]) => any;

/** A faster implementation of an op `F`: the op's result, or DECLINE. */
export type OpImplementation<F extends AnyFn> = (...args: Parameters<F>) => ReturnType<F> | Decline;

/** What `defineOp` returns: called like the definition (generics kept). */
export type NamedOp<F extends AnyFn> = F & {
  /** The op's name (what implementations are registered under). */
  readonly opName: string;
  /** The plain tfjs definition (the reference every implementation is tested against). */
  readonly definition: F;
};

interface Registry {
  /** op name → backend name → implementation. */
  impls: Map<string, Map<string, AnyFn>>;
}

const KEY = Symbol.for('divelab.ops.registry');

function registry(): Registry {
  const g = globalThis as unknown as Record<symbol, Registry | undefined>;
  return (g[KEY] ??= { impls: new Map() });
}

/** Define the op `name` by `definition` (plain tfjs maths). */
export function defineOp<F extends AnyFn>(name: string, definition: F): NamedOp<F> {
  const reg = registry();
  const op = (...args: Parameters<F>): ReturnType<F> => {
    const byBackend = reg.impls.get(name);
    if (byBackend !== undefined && byBackend.size > 0) {
      const impl = byBackend.get(tf.getBackend());
      if (impl !== undefined) {
        const r = impl(...args);
        if (r !== DECLINE) return r as ReturnType<F>;
      }
    }
    return definition(...args) as ReturnType<F>;
  };
  Object.defineProperty(op, 'opName', { value: name });
  Object.defineProperty(op, 'definition', { value: definition });
  return op as unknown as NamedOp<F>;
}

/** Register `impl` for `op` on the tfjs backend `backendName` (replacing one registered before). */
export function registerOpImplementation<F extends AnyFn>(op: NamedOp<F> | string, backendName: string, impl: OpImplementation<F>): void {
  const name = typeof op === 'string' ? op : op.opName;
  const reg = registry();
  let byBackend = reg.impls.get(name);
  if (!byBackend) reg.impls.set(name, (byBackend = new Map()));
  byBackend.set(backendName, impl as AnyFn);
}

/** Remove the implementation of `op` on `backendName` (no-op when none). */
export function unregisterOpImplementation(op: NamedOp<AnyFn> | string, backendName: string): void {
  registry().impls.get(typeof op === 'string' ? op : op.opName)?.delete(backendName);
}

/** True when an implementation of `op` is registered for the active backend. */
export function opImplementedHere(op: NamedOp<AnyFn> | string): boolean {
  return registry().impls.get(typeof op === 'string' ? op : op.opName)?.has(tf.getBackend()) ?? false;
}

/** The op names with an implementation on `backendName` (sorted; for `dive backend` and tests). */
export function implementedOps(backendName: string): string[] {
  return [...registry().impls].filter(([, m]) => m.has(backendName)).map(([n]) => n).sort();
}

/** The gradient of a kernel's (only) output, as tfjs passes it to a gradient function: a tensor or a one-element list. */
export function outputGradient(dy: tf.Tensor | tf.Tensor[]): tf.Tensor {
  return Array.isArray(dy) ? dy[0] : dy;
}
