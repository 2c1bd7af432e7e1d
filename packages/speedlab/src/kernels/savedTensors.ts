/**
 * Tensors saved for the backward pass, shared instead of cloned through the kernel machinery.
 *
 * tfjs-core's `Engine.saveTensorsForBackwardMode` clones every tensor a gradient will need:
 * `clone` runs the Identity kernel through `runKernel` and records a tape node for it (with a
 * Cast as its gradient). In a small model that is a third of the kernels of a training step
 * (401 of 1,217 in the gait DeepDIVE step) and as many extra tape nodes for
 * `getFilteredNodesXToY` to sort out, for a tensor that only shares its buffer (the sharing
 * Identity, ./identity.ts).
 *
 * The tape node is needed only for higher-order gradients: a saved tensor is read inside
 * gradient functions, and those ops are recorded only when a gradient is being taken of a
 * gradient (tfjs keeps one tape; the backward pass of the outermost `gradients` call runs after
 * the tape stopped). So while the outermost tape is the only one (`gradientDepth === 1`), this
 * saves a new tensor on the same buffer (reference count + 1, `keep` as tfjs does) without a
 * kernel call or a tape node; inside a nested gradient it defers to tfjs's clone. Only on the
 * wasm backend, only while `setSharedSavedTensors(true)` (the fast kernel kinds that add
 * element-wise kernels). Tests: tests/kernels/savedTensors.test.ts (gradients bit for bit with
 * and without, second derivatives, memory counts).
 */
import * as tf from '@tensorflow/tfjs';

interface EngineInternals {
  state: { gradientDepth: number; tensorInfo: { get(id: object): { backend: { incRef(id: object): void } } | undefined } };
  backendName: string;
  keep<T extends tf.Tensor>(t: T): T;
  makeTensorFromTensorInfo(info: tf.TensorInfo, backend: unknown): tf.Tensor;
  saveTensorsForBackwardMode(tensors: tf.Tensor[]): tf.Tensor[];
}

let enabled = false;
let patched = false;

/** Whether saved tensors are shared (see the module doc); installs the engine hook once. */
export function setSharedSavedTensors(on: boolean): void {
  enabled = on;
  if (!on || patched) return;
  const engine = tf.engine() as unknown as EngineInternals;
  const proto = Object.getPrototypeOf(engine) as EngineInternals;
  const original = proto.saveTensorsForBackwardMode;
  if (typeof original !== 'function' || typeof proto.makeTensorFromTensorInfo !== 'function' || !engine.state || typeof engine.state.gradientDepth !== 'number') {
    throw new Error('shared saved tensors: tfjs-core Engine internals changed (saveTensorsForBackwardMode, makeTensorFromTensorInfo, state.gradientDepth)');
  }
  proto.saveTensorsForBackwardMode = function (this: EngineInternals, tensors: tf.Tensor[]): tf.Tensor[] {
    if (!enabled || this.state.gradientDepth !== 1 || this.backendName !== 'wasm' || tensors.some((t) => t.dtype === 'string')) return original.call(this, tensors);
    return tensors.map((t) => {
      const info = this.state.tensorInfo.get(t.dataId);
      if (!info) return original.call(this, [t])[0];
      info.backend.incRef(t.dataId);
      return this.keep(this.makeTensorFromTensorInfo({ dataId: t.dataId, shape: t.shape, dtype: t.dtype }, info.backend));
    });
  };
  patched = true;
}

/** True while saved tensors are shared. */
export function sharedSavedTensors(): boolean {
  return enabled;
}
