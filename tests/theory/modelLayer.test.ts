import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { CHECKS, runCheck } from '../../lib/theory/checks';
import { layerE3, layerMemberships, rbfLayerOf } from '../../lib/theory/modelLayer';
import { linspace } from '../../lib/theory/explore';
import { klToMixture, mixture, responsibilities } from '../../lib/theory/mixtureKl';
import { elboTerms, posterior, randomLinearGaussianModel, sampleJoint } from '../../lib/theory/linearGaussian';
import { gaussian } from '../../lib/theory/gaussian';
import { RbfLayer } from '../../lib/models/rbf';
import { makeRng } from '../../lib/util/random';

/** The layer as it was before the fix: logits without the −log σ_k normaliser. */
class UnnormalisedRbf extends RbfLayer {
  override componentLogDensity(b: tf.Tensor1D): tf.Tensor2D {
    return tf.tidy(() => {
      const d = tf.sub(tf.reshape(b, [-1, 1]), tf.reshape(this.centres, [1, -1]));
      return tf.neg(tf.mul(tf.square(d), tf.div(0.5, tf.exp(tf.mul(2, this.logWidths))))) as tf.Tensor2D;
    });
  }
}

describe('E3 on the model layer (dive theory check e3-model-layer-*)', () => {
  const p = mixture([0.3, 0.7], [{ family: 'gaussian', loc: -1, scale: 0.5 }, { family: 'gaussian', loc: 1, scale: 2 }]);

  it('both checks pass on the layer the model trains', () => {
    for (const name of ['e3-model-layer-bayes-posterior', 'e3-model-layer-identity']) {
      const r = runCheck(CHECKS.find((c) => c.name === name)!, { trials: 4 });
      expect(r.passed, r.detail).toBe(true);
    }
  });

  it('would fail on the unnormalised layer (control): posterior off by > 0.1, KL off by > 0.1 nats', () => {
    const { layer, dispose } = rbfLayerOf(p);
    const old = Object.setPrototypeOf(layer, UnnormalisedRbf.prototype) as RbfLayer;
    const b = linspace(-4, 4, 81);
    const r = layerMemberships(old, b);
    const worst = Math.max(...b.map((v, i) => Math.abs(r[i][0] - responsibilities(p, v)[0])));
    expect(worst).toBeGreaterThan(0.1);
    const q = { mean: 0.2, sd: 0.6 };
    expect(Math.abs(layerE3(old, q, 1).kl - klToMixture(q, p))).toBeGreaterThan(0.1);
    // …while the real layer agrees.
    Object.setPrototypeOf(layer, RbfLayer.prototype);
    expect(Math.abs(layerE3(layer, q, 1).kl - klToMixture(q, p))).toBeLessThan(1e-4);
    dispose();
  });
});

describe('e1-tight-at-posterior is not true by construction', () => {
  it('the ELBO from its terms reaches log p(x, y) at the posterior, and not at a perturbed one', () => {
    const rng = makeRng(11);
    const m = randomLinearGaussianModel({ dimA: 2, dimB: 1, dimX: 3, dimY: 2 }, rng);
    const { x, y } = sampleJoint(m, rng);
    const post = posterior(m, x, y);
    const at = elboTerms(m, x, y, post);
    expect(Math.abs(at.logEvidence - at.elbo)).toBeLessThan(1e-9 * Math.max(1, Math.abs(at.logEvidence)));
    const shifted = gaussian(post.mean.map((v, i) => (i === 0 ? v + 0.3 : v)), post.cov);
    const off = elboTerms(m, x, y, shifted);
    expect(off.logEvidence - off.elbo).toBeGreaterThan(1e-3);
  });
});
