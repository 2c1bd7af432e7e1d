/**
 * Matmul FLOPs counted from the kernels a computation actually runs (any backend): the
 * function is run once under `tf.profile`, and every BatchMatMul / _FusedMatMul kernel adds
 * 2·batch·M·K·N, where [batch…, M, N] is its output shape and K = (size of a's matrix) / M —
 * exact whatever the transposes, because a's last two axes are {M, K} in some order.
 */
import * as tf from '@tensorflow/tfjs';

const MATMUL_KERNELS = new Set(['BatchMatMul', '_FusedMatMul']);

/** FLOPs of the matmul kernels `f` runs (run inside tf.tidy: its results and intermediates are disposed). */
export async function countMatMulFlops(f: () => tf.TensorContainer): Promise<number> {
  const info = await tf.profile(() => {
    tf.tidy(() => {
      f();
    });
  });
  let flops = 0;
  for (const k of info.kernels) {
    if (!MATMUL_KERNELS.has(k.name)) continue;
    const a = k.inputShapes[0];
    const out = k.outputShapes[0];
    if (!a || !out || a.length < 2 || out.length < 2) continue;
    const m = out[out.length - 2];
    const n = out[out.length - 1];
    const batch = out.slice(0, -2).reduce((p, d) => p * d, 1);
    const kDim = m === 0 ? 0 : (a[a.length - 1] * a[a.length - 2]) / m;
    flops += 2 * batch * m * kDim * n;
  }
  return flops;
}
