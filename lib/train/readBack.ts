/**
 * Reading device tensors back in one asynchronous read: the training loop queues a whole epoch's
 * numbers (step losses, norms, terms; the conflict probes; validation sums) and reads them at
 * once, so nothing synchronous stalls the device (`dataSync` is unavailable on webgpu).
 */
import * as tf from '@tensorflow/tfjs';

/** The values of `tensors`, each flattened, concatenated in order, in one read. Leaves the inputs alive. */
export async function readFlat(tensors: readonly tf.Tensor[]): Promise<Float32Array> {
  const flat = tf.tidy(() => tf.concat(tensors.map((t) => tf.reshape(t, [-1]))));
  try {
    return (await flat.data()) as Float32Array;
  } finally {
    flat.dispose();
  }
}
