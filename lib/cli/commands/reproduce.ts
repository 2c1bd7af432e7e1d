/** `dive reproduce`: regenerate the paper's tables and figures (lib/experiments). */
import type { Command } from '../command';
import { optBool, optList, optNumber, optString } from '../command';
import { EXPERIMENT_NAMES } from '../../experiments/definitions';
import { parseShard } from '../../experiments/plan';
import { protocolFor } from '../../experiments/protocol';
import { reproduce } from '../../experiments/reproduce';
import { formatBar, terminalSink, type ProgressSink } from '../../util/progress';
import { UserError } from '../../util/errors';

export const reproduceCommand: Command = {
  words: ['reproduce'],
  summary: "regenerate the paper's tables and figures (runs each experiment, resumable, shardable)",
  help:
    `Expands the experiments (${EXPERIMENT_NAMES.join(', ')}) into runs, trains and evaluates each ` +
    'one, writes OUT/runs/<run-id>.json atomically (finished runs are skipped on restart), then ' +
    'OUT/tables/*.csv|md, OUT/figures/*.html|svg|png and OUT/summary.json. Tables fall back to ' +
    'ETTh1 / gaitndd / synthetic when the paper\'s data are not present, and say so. --shard K/N ' +
    "runs every N-th run only (no tables); combine shard folders with 'dive merge'. Static figures: SVG with --quick, SVG and PNG otherwise (headless Chromium). " +
    'Time (wasm, 2 CPU cores): --quick measured 2.7-4.6 min on a loaded machine (31 runs); the full protocol (96 runs: 3 seeds, up to 30 epochs of at most 150 batches, all windows) measured 1 h 26 min on both cores (2.84 h of single-thread compute; docs/results.md).',
  options: [
    { name: 'quick', type: 'boolean', description: '1 seed, 2 epochs, small data subsets (minutes, not hours)' },
    { name: 'only', type: 'list', value: 'NAME,…', description: `run only these experiments (${EXPERIMENT_NAMES.join(', ')})` },
    { name: 'seeds', type: 'integer', value: 'N', description: 'seeds per cell (default: 3, or 1 with --quick)' },
    { name: 'out', type: 'string', value: 'DIR', default: 'results', description: 'results folder' },
    { name: 'shard', type: 'string', value: 'K/N', description: 'run only runs with index ≡ K−1 (mod N)' },
    { name: 'html-only', type: 'boolean', description: 'write figures as HTML only (no SVG/PNG via Chromium)' },
  ],
  maxArgs: 0,
  async run(args, io) {
    const seeds = optNumber(args, 'seeds');
    if (seeds !== undefined && seeds < 1) throw new UserError(`--seeds must be ≥ 1, got ${seeds}`);
    const shardText = optString(args, 'shard');
    const sink: ProgressSink = io.interactive ? terminalSink(true) : (u) => io.err(formatBar(u));
    const report = await reproduce({
      out: optString(args, 'out') ?? 'results',
      protocol: protocolFor(optBool(args, 'quick') ? 'quick' : 'full', seeds),
      only: optList(args, 'only'),
      shard: shardText ? parseShard(shardText) : undefined,
      images: !optBool(args, 'html-only'),
      onProgress: sink,
      log: (l) => io.err(l),
    });
    if (args.json) {
      io.json(report);
    } else {
      io.out(`${report.ran.length} run(s) done, ${report.skipped.length} skipped (already finished), ${report.failed.length} failed, in ${report.seconds.toFixed(1)} s`);
      for (const f of report.failed) io.out(`  failed: ${f.id}: ${f.error}`);
      if (report.outputs) {
        io.out(`tables:  ${report.outputs.tables.map((t) => `${report.out}/tables/${t}.md`).join(', ')}`);
        io.out(`figures: ${report.outputs.figures.length} in ${report.out}/figures${report.outputs.imagesNote ? ` (${report.outputs.imagesNote})` : ''}`);
        io.out(`summary: ${report.outputs.summaryFile}`);
      } else {
        io.out(`shard done; combine the shard folders with: dive merge DIR… --out ${report.out}`);
      }
    }
    return report.failed.length > 0 ? 1 : 0;
  },
};
