/**
 * divelab as an installed package: `npm pack` the project, install the tarball into a fresh
 * project in a temporary folder outside the repository, then use it only through its public
 * entry point — `node -e "require('divelab')…"` builds DeepDIVE, trains one epoch and
 * evaluates it — without the speed lab (packages/speedlab is not packed: plain tfjs kernels and
 * the named ops' plain definitions, docs/performance.md); the installed `dive --version` works;
 * a strict TypeScript file importing 'divelab' type-checks; deep imports of internal files are
 * refused (only `divelab/lib/…`, the speed lab's plugin interface, resolves).
 *
 * Offline: the fresh project's dependencies are the production entries of this repository's
 * package-lock.json, mirrored from this repository's node_modules (symbolic links, file by file) (what `npm ci` would
 * have put there, without the devDependencies), and `npm install --offline` then installs the
 * tarball itself and checks the tree against the lockfile. No registry is contacted.
 */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from '../../lib/notebooks/build';
import { repoRoot } from '../../lib/util/repo';
import { mirrorPackage } from './mirror';

const root = repoRoot();
const rootPkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string };

interface LockEntry { version?: string; name?: string; resolved?: string; dev?: boolean; link?: boolean; [k: string]: unknown }

let tmp: string;
let project: string;
let packed: { filename: string; files: { path: string }[] };

function run(cmd: string, args: string[], cwd: string, timeout = 120_000): SpawnSyncReturns<string> {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', timeout, env: { ...process.env, npm_config_update_notifier: 'false' } });
  if (r.error) throw r.error;
  return r;
}

function ok(r: SpawnSyncReturns<string>, what: string): string {
  if (r.status !== 0) throw new Error(`${what} exited ${r.status}:\n${r.stderr || r.stdout}`);
  return r.stdout;
}

/** The production part of this repository's lockfile, as the lockfile of a project depending on the tarball. */
function consumerLock(tarball: string): object {
  const lock = JSON.parse(fs.readFileSync(path.join(root, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> };
  const self = lock.packages[''];
  const packages: Record<string, LockEntry> = {
    '': { name: 'consumer', version: '1.0.0', dependencies: { divelab: `file:../${tarball}` } },
    'node_modules/divelab': { version: self.version, resolved: `file:../${tarball}`, license: self.license, dependencies: self.dependencies, peerDependencies: self.peerDependencies, peerDependenciesMeta: self.peerDependenciesMeta, bin: self.bin, engines: self.engines },
  };
  for (const [key, entry] of Object.entries(lock.packages)) {
    // Skip the workspace (the speed lab, packages/speedlab, and its link back to divelab): the packed library is divelab alone.
    if (!key || entry.dev || entry.link || !key.startsWith('node_modules/')) continue;
    const name = entry.name ?? key.slice(key.lastIndexOf('node_modules/') + 'node_modules/'.length);
    // The repository's lockfile omits registry URLs (omit-lockfile-registry-resolved); with
    // them npm can take any package it must re-extract from its cache by integrity, offline.
    const resolved = entry.resolved ?? (entry.link ? undefined : `https://registry.npmjs.org/${name}/-/${name.split('/').pop()}-${entry.version}.tgz`);
    packages[key] = { ...entry, ...(resolved ? { resolved } : {}) };
  }
  return { name: 'consumer', version: '1.0.0', lockfileVersion: 3, requires: true, packages };
}

/** Mirror the lockfile's top-level production packages (and the bin links) from this repository, file by file as symbolic links. */
function linkDependencies(lock: { packages: Record<string, LockEntry> }): void {
  for (const key of Object.keys(lock.packages)) {
    if (!key.startsWith('node_modules/') || key.indexOf('node_modules/', 1) !== -1 || key === 'node_modules/divelab') continue;
    const src = path.join(root, key);
    if (!fs.existsSync(src)) continue; // npm install below reports what is missing
    fs.mkdirSync(path.dirname(path.join(project, key)), { recursive: true });
    mirrorPackage(src, path.join(project, key)); // symbolic links, not hard links: see ./mirror.ts
  }
  ok(run('cp', ['-a', path.join(root, 'node_modules', '.bin'), path.join(project, 'node_modules', '.bin')], project), 'cp .bin');
}

beforeAll(() => {
  ensureBuilt(root); // the tarball carries dist/, which must match lib/
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'divelab-package-'));
  const out = ok(run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', tmp], root), 'npm pack');
  packed = (JSON.parse(out) as (typeof packed)[])[0];
  project = path.join(tmp, 'consumer');
  fs.mkdirSync(path.join(project, 'node_modules'), { recursive: true });
  // A plain consumer: no overrides copied from divelab (danfojs-node, whose dependencies needed
  // them, is an optional peer of divelab, not a dependency).
  fs.writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true, dependencies: { divelab: `file:../${packed.filename}` } }, null, 2));
  const lock = consumerLock(packed.filename) as { packages: Record<string, LockEntry> };
  fs.writeFileSync(path.join(project, 'package-lock.json'), JSON.stringify(lock, null, 1));
  linkDependencies(lock);
  ok(run('npm', ['install', '--offline', '--no-audit', '--no-fund', '--ignore-scripts'], project), 'npm install --offline');
}, 180_000);

afterAll(() => {
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

describe('the packed divelab', () => {
  it('carries the compiled library, the CLI, the notebooks and the executor, not sources or tests', () => {
    const files = packed.files.map((f) => f.path);
    for (const f of ['package.json', 'dist/lib/index.js', 'dist/lib/index.d.ts', 'dist/browser/divelab-pure.js', 'dist/browser/divelab-pure.json', 'bin/dive.js', 'lib/notebooks/execute.py', 'data/manifest.json', 'notebooks/09-my-experiment.ipynb', 'CHANGELOG.md']) {
      expect(files, f).toContain(f);
    }
    expect(files.filter((f) => /\.ts$/.test(f) && !f.endsWith('.d.ts'))).toEqual([]);
    expect(files.filter((f) => f.startsWith('tests/') || f.includes('/tests/') || f.endsWith('.map'))).toEqual([]);
    expect(fs.realpathSync(path.join(project, 'node_modules', 'divelab'))).not.toBe(fs.realpathSync(root)); // a real install, not a link back
  });

  it('installs with plain npm install: no overrides in the consumer, no danfojs-node, tfjs-node or xlsx pulled in', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(project, 'package.json'), 'utf8')) as { overrides?: object };
    expect(pkg.overrides).toBeUndefined();
    const shipped = JSON.parse(fs.readFileSync(path.join(project, 'node_modules', 'divelab', 'package.json'), 'utf8')) as { dependencies: Record<string, string>; peerDependenciesMeta?: Record<string, { optional?: boolean }> };
    expect(Object.keys(shipped.dependencies)).not.toContain('danfojs-node');
    expect(shipped.peerDependenciesMeta?.['danfojs-node']?.optional).toBe(true);
    for (const p of ['danfojs-node', '@tensorflow/tfjs-node', 'xlsx']) expect(fs.existsSync(path.join(project, 'node_modules', p)), p).toBe(false);
  });

  it('builds, trains one epoch and evaluates DeepDIVE through require("divelab"), deterministically and without leaking tensors', () => {
    const script = `
      const d = require('divelab');
      const tf = require('@tensorflow/tfjs');
      (async () => {
        const report = await d.backend.initBackend();
        const prepared = d.data.prepareData('synthetic', { seed: 0 });
        const small = { ...prepared, train: d.experiments.subsetWindows(prepared.train, 64, 1), val: d.experiments.subsetWindows(prepared.val, 32, 2), test: d.experiments.subsetWindows(prepared.test, 32, 3) };
        const once = async () => {
          const before = tf.memory().numTensors;
          const model = d.models.createModel('deepdive', { seed: 0, trunk: { hidden: 16 }, decoderHidden: 16, forecasterHidden: 16, aDim: 4 }, d.train.dataInfoOf(small));
          const result = await d.train.train(model, small, { ...d.train.DEFAULT_TRAIN, epochs: 1, batchSize: 16, seed: 0 });
          const m = await d.train.evaluateModel(model, small.test, small.scaler);
          model.dispose();
          return { epochs: result.history.epochs.length, rrse: m.forecast.original.rrse, mig: m.mig, leaked: tf.memory().numTensors - before };
        };
        const a = await once();
        const b = await once();
        console.log(JSON.stringify({ version: d.VERSION, namespaces: Object.keys(d).sort(), speedLab: report.details.speedLab, a, b }));
      })().catch((e) => { console.error(e && e.stack || e); process.exit(1); });`;
    const r = run(process.execPath, ['-e', script], project);
    const out = JSON.parse(ok(r, 'node -e').trim().split('\n').pop() ?? '') as {
      version: string; namespaces: string[]; speedLab: string;
      a: { epochs: number; rrse: number; mig: number | null; leaked: number }; b: { rrse: number; mig: number | null; leaked: number };
    };
    expect(out.version).toBe(rootPkg.version);
    expect(out.namespaces).toEqual(['VERSION', 'backend', 'data', 'evaluate', 'experiments', 'methods', 'models', 'objectives', 'plot', 'study', 'theory', 'train', 'util']);
    // The packed library is divelab without the speed lab: plain tfjs kernels and the named ops' definitions.
    expect(out.speedLab).toMatch(/^not active: @divelab\/speedlab is not installed/);
    expect(out.a.epochs).toBe(1);
    expect(Number.isFinite(out.a.rrse) && out.a.rrse > 0).toBe(true);
    expect(out.a.mig === null || (out.a.mig >= 0 && out.a.mig <= 1)).toBe(true);
    expect(out.b.rrse).toBe(out.a.rrse); // same config + seed → same numbers
    expect(out.b.mig).toBe(out.a.mig);
    expect(out.a.leaked).toBe(0);
    expect(out.b.leaked).toBe(0);
  }, 120_000);

  it('keeps internal modules internal', () => {
    const r = run(process.execPath, ['-e', "require('divelab/dist/lib/train/trainer')"], project);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/ERR_PACKAGE_PATH_NOT_EXPORTED/);
  });

  it('installs the dive command, which prints the version', () => {
    const r = run(path.join(project, 'node_modules', '.bin', 'dive'), ['--version'], project);
    expect(ok(r, 'dive --version').trim()).toBe(`divelab ${rootPkg.version}`);
  });

  it("resolves for a tslab notebook in the project (TypeScript's node10 resolution) to the shipped declarations", () => {
    const options: ts.CompilerOptions = { module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Node10 };
    const r = ts.resolveModuleName('divelab', path.join(project, 'notebooks', 'cell.ts'), options, ts.sys);
    expect(r.resolvedModule?.resolvedFileName).toBe(path.join(fs.realpathSync(project), 'node_modules', 'divelab', 'dist', 'lib', 'index.d.ts'));
  });

  it('type-checks a strict TypeScript file that imports it (and rejects a wrong name and a deep import)', () => {
    fs.writeFileSync(path.join(project, 'check.ts'), `
import { backend, data, evaluate, experiments, models, plot, theory, train, util, VERSION } from 'divelab';

const name: models.ModelName = 'deepdive';
const config: train.TrainConfig = { ...train.DEFAULT_TRAIN, epochs: 1, seed: 0 };

export async function run(): Promise<number> {
  await backend.initBackend();
  const prepared: data.Prepared = data.prepareData('synthetic', { seed: 0 });
  const model = models.createModel(name, { seed: 0 }, train.dataInfoOf(prepared));
  await train.train(model, prepared, config);
  const metrics: train.TestMetrics = await train.evaluateModel(model, prepared.test, prepared.scaler);
  model.dispose();
  return metrics.forecast.original.rrse;
}

const rng: util.Rng = util.makeRng(1);
const spread: string = evaluate.formatMeanStd([1, 2]);
const checks: number = theory.CHECKS.length;
const figure: plot.Figure = plot.lineFigure([0, 1], { y: [1, 2] });
export const used = [rng, spread, checks, figure, VERSION, experiments.TINY.name];

// @ts-expect-error: the types are real, so an unknown model name does not type-check
export const bad: models.ModelName = 'no-such-model';

// @ts-expect-error: internal modules are not exported (package.json "exports")
import type { TrainConfig as Internal } from 'divelab/dist/lib/train/trainer';
export type Hidden = Internal;
`);
    const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
    // @types/node comes from this repository, as any Node project has its own; skipLibCheck as
    // usual for consumers (tfjs's own .d.ts files do not pass a strict check).
    const r = run(process.execPath, [tsc, '--noEmit', '--strict', '--skipLibCheck', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022',
      '--types', 'node', '--typeRoots', path.join(root, 'node_modules', '@types'), 'check.ts'], project);
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
  }, 120_000);
});
