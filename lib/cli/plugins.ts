/**
 * Plugins: a researcher's own model, data set and metric cards for the `dive` command. A plugin
 * is a CommonJS module (a .js file) that exports any of `models`, `datasets`, `metrics` — arrays
 * of cards (docs/architecture.md, "Your own cards") — and is named by `--plugin FILE` (before or
 * after the command's words, repeatable) or by `DIVE_PLUGINS` (paths separated by ':').
 *
 *   // my-cards.js
 *   const { models } = require('divelab');
 *   const base = models.modelCard('deepdive');
 *   exports.models = [{ ...base, name: 'deepdive-wide', label: 'DeepDIVE, wide a', defaults: { aDim: 64 } }];
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { UserError } from '../util/errors';
import { registerModel } from '../models/registry';
import type { ModelCard } from '../models/card';
import { registerDataset, type DatasetCard } from '../data/registry';
import { registerMetric, type MetricCard } from '../train/metrics';

interface PluginModule {
  models?: readonly ModelCard[];
  datasets?: readonly DatasetCard[];
  metrics?: readonly MetricCard[];
}

const loaded = new Set<string>();

/** Split `--plugin FILE` (or `--plugin=FILE`) out of argv; the rest is the command line. */
export function takePluginArgs(argv: readonly string[]): { plugins: string[]; rest: string[] } {
  const plugins: string[] = [];
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--plugin') {
      const file = argv[i + 1];
      if (file === undefined || file.startsWith('--')) throw new UserError('--plugin needs a FILE (a .js module exporting models, datasets or metrics)');
      plugins.push(file);
      i++;
    } else if (a.startsWith('--plugin=')) plugins.push(a.slice('--plugin='.length));
    else rest.push(a);
  }
  return { plugins, rest };
}

/** The plugin files named by DIVE_PLUGINS (':'-separated; empty entries ignored). */
export function envPlugins(env: NodeJS.ProcessEnv = process.env): string[] {
  return (env.DIVE_PLUGINS ?? '').split(':').map((s) => s.trim()).filter(Boolean);
}

/** Load plugin files and register their cards (each file once per process). Returns what each registered. */
export function loadPlugins(files: readonly string[]): { file: string; models: string[]; datasets: string[]; metrics: string[] }[] {
  const out: { file: string; models: string[]; datasets: string[]; metrics: string[] }[] = [];
  for (const f of files) {
    const file = path.resolve(f);
    if (loaded.has(file)) continue;
    if (!fs.existsSync(file)) throw new UserError(`plugin file not found: ${file}; check the path given with --plugin or DIVE_PLUGINS`);
    let mod: PluginModule;
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      mod = require(file) as PluginModule;
    } catch (err) {
      throw new UserError(`plugin ${file} failed to load: ${(err as Error).message.split('\n')[0]}; run it with 'node ${file}' to see the whole error`);
    }
    const list = <T>(v: readonly T[] | undefined, what: string): readonly T[] => {
      if (v === undefined) return [];
      if (!Array.isArray(v)) throw new UserError(`plugin ${file}: '${what}' must be an array of cards`);
      return v;
    };
    const models = list(mod.models, 'models');
    const datasets = list(mod.datasets, 'datasets');
    const metrics = list(mod.metrics, 'metrics');
    if (models.length + datasets.length + metrics.length === 0) throw new UserError(`plugin ${file} exports no cards: export models, datasets or metrics (arrays of cards)`);
    models.forEach((c) => registerModel(c));
    datasets.forEach((c) => registerDataset(c));
    metrics.forEach((c) => registerMetric(c));
    loaded.add(file);
    out.push({ file, models: models.map((c) => c.name), datasets: datasets.map((c) => c.name), metrics: metrics.map((c) => c.key) });
  }
  return out;
}
