import type { MetricCard } from './card';

export const clusterAccuracy: MetricCard = {
  key: 'clusterAccuracy',
  label: 'RBF cluster accuracy',
  better: 'higher',
  doc: "Accuracy of the argmax RBF memberships against the labels, averaged over labels (DeepDIVE's marginal code; lib/eval/cluster.ts).",
  of: (r) => {
    const clusters = r.test?.cluster ? Object.values(r.test.cluster) : [];
    return clusters.length ? clusters.reduce((a, c) => a + c.accuracy, 0) / clusters.length : null;
  },
};
