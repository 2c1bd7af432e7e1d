/**
 * The layering of lib/ and the speed lab (docs/architecture.md), checked by `npm run depcheck`
 * inside `npm test`. A room may import from rooms listed before it, never from a room listed
 * after it or beside it. The speed lab (packages/speedlab, a workspace package) is the room of the
 * benchmark: it imports divelab (as `divelab/lib/…`, resolved to lib/ here) up to study; divelab
 * never imports it (it loads it as a plugin, lib/backend/plugin.ts).
 * Exceptions are written here with their reason (at most two).
 */
const LAYERS = [
  ['util', '^lib/(util/|version\\.ts$)'],
  ['math', '^lib/math/'],
  ['plot', '^lib/plot/'],
  ['backend', '^lib/backend/'],
  ['data', '^lib/data/'],
  ['objectives', '^lib/objectives/'],
  ['models', '^lib/models/'],
  ['theory', '^lib/theory/'],
  ['eval', '^lib/eval/'],
  ['train', '^lib/train/'],
  ['methods', '^lib/methods/'],
  ['study/spec', '^lib/study/spec/'],
  ['study/run', '^lib/study/run/'],
  ['study/report', '^lib/study/report/'],
  ['study', '^lib/study/[^/]+\\.ts$'],
  ['cluster', '^lib/cluster/'],
  ['speedlab', '^packages/speedlab/src/'],
  ['notebooks', '^lib/notebooks/'],
  ['cli', '^lib/cli/'],
  ['browser', '^lib/browser\\.ts$'],
  ['entry', '^lib/index\\.ts$'],
];
/** Rooms of one level that must not import each other (siblings), by index in LAYERS. */
const SIBLINGS = [['math', 'plot'], ['backend', 'data'], ['cluster', 'speedlab', 'notebooks']];

const forbidden = [
  { name: 'no-circular', severity: 'error', comment: 'modules must not import each other in a circle', from: { path: '^(lib|packages/speedlab/src)/' }, to: { circular: true } },
  { name: 'no-static-speedlab', severity: 'error', comment: 'divelab loads the speed lab as a plugin (lib/backend/plugin.ts), never by import', from: { path: '^lib/' }, to: { path: '^packages/speedlab/' } },
];
LAYERS.forEach(([name, path], i) => {
  const above = LAYERS.slice(i + 1).map(([, p]) => p);
  if (above.length) forbidden.push({ name: `layer-${name}`, severity: 'error', comment: `${name} may only import rooms below it (docs/architecture.md)`, from: { path }, to: { path: above.join('|') } });
});
for (const group of SIBLINGS) {
  for (const a of group) for (const b of group) if (a !== b) {
    const pa = LAYERS.find(([n]) => n === a)[1];
    const pb = LAYERS.find(([n]) => n === b)[1];
    forbidden.push({ name: `sibling-${a}-${b}`, severity: 'error', comment: `${a} and ${b} are siblings: neither imports the other`, from: { path: pa }, to: { path: pb } });
  }
}
// Later rules would reject an import already allowed above: dependency-cruiser reports the first
// match only per rule, so the lower-index layers' 'above' lists do the whole job.

module.exports = {
  forbidden,
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|node_modules|packages/speedlab/dist)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.build.json' },
    moduleSystems: ['cjs', 'es6'],
  },
};
