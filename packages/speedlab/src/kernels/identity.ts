/**
 * A replacement `Identity` for the wasm backend that shares the buffer (reference count + 1)
 * instead of copying it, as tfjs's cpu backend and wasm's own `Reshape` do.
 *
 * Why: tfjs-core clones (`Engine.clone` → Identity) every tensor it saves for the backward
 * pass, and tfjs-backend-wasm's Identity copies the data — ≈ 4 ms of pure copying per mlp-vae
 * step (3 %), and one extra kernel call per saved tensor in small models. Tensors are
 * immutable (kernels write only to outputs; variables are re-pointed by `assign`), so a shared
 * buffer cannot be observed; the engine's reference counting frees it when the last user goes.
 */
import type * as tf from '@tensorflow/tfjs';
import { asWasmBackend } from './wasmInternals';

export function makeSharedIdentity(original: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const x = args.inputs.x as tf.TensorInfo;
    if (x.dtype === 'string') return original(args);
    asWasmBackend(args.backend).incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
  };
}
