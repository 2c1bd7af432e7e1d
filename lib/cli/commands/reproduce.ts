/** `dive reproduce`: regenerate the paper's tables and figures (lib/study). */
import type { Command } from '../../util/command';
import { optBool, optList, optNumber, optString } from '../../util/command';
import { EXPERIMENT_NAMES, OPT_IN_EXPERIMENTS } from '../../study/spec/definitions';
import { parseShard, type Shard } from '../../study/run/plan';
import { isAutoShard, resolveAutoShard } from '../../cluster/shardEnv';
import { protocolFor } from '../../study/spec/protocol';
import { reproduce } from '../../study/reproduce';
import { formatBar, terminalSink, type ProgressSink } from '../../util/progress';
import { UserError } from '../../util/errors';

export const reproduceCommand: Command = {
  words: ['reproduce'],
  summary: "regenerate the paper's tables and figures (runs each experiment, resumable, shardable)",
  help:
    `Expands the experiments (${EXPERIMENT_NAMES.join(', ')}) into runs, trains and evaluates each ` +
    'one, writes OUT/runs/<run-id>.json atomically (finished runs are skipped on restart), then ' +
    'OUT/tables/*.csv|md, OUT/figures/*.html|svg|png and OUT/summary.json. Tables fall back to ' +
    'ETTh1 / gaitndd / synthetic when the paper\'s data are not present, and say so. ' +
    'A tuning stage runs first (experiment name tune, selected by default): every compared model gets the same number of configurations from its declared search space, chosen on the validation split only (OUT/tuning.json); the test runs then use fresh seeds. OUT/claims.md|csv tests each claim of the paper (effect, CI, p-values, verdict; smoke tests with --quick). With --shard, run the same command twice: the first pass tunes, the second runs the tests. ' +
    "--shard K/N runs every N-th run only (no tables); combine shard folders with 'dive merge'. --shard auto reads K/N inside a Slurm array job or a Kubernetes Indexed Job, and shards may share one --out folder ('dive jobs slurm|kubernetes' writes such jobs). Static figures: SVG with --quick, SVG and PNG otherwise (headless Chromium). " +
    '--quick takes minutes; the full protocol (410 runs) took 1 h 13 min on 2 cores as two shards with its former 30-epoch cap, and several times that with today\'s cap of 100 epochs and Detaux trained to convergence (docs/results.md). ' +
    `Opt-in experiments run only when --only names them: ${OPT_IN_EXPERIMENTS.join(', ')} (tslib-ett: DLinear under Time-Series-Library's long-horizon protocol on ETTh1 against the TimesNet paper's values, persistence as the floor; needs the ETTh1 file; docs/data.md. sparse-rho: the sparse base-predictors' own paper experiment, MCC against the factors' correlation ρ for inner Lasso, inner Ridge and Ridge + ICA, writing tables/sparse-rho.md|csv and figures/sparse-rho.html|svg; docs/design.md).`,
  options: [
    { name: 'quick', type: 'boolean', description: '1 seed, ≤ 4 epochs, small data subsets, a 2-configuration tuning stage (minutes, not hours; a smoke test)' },
    { name: 'only', type: 'list', value: 'NAME,…', description: `run only these experiments (${EXPERIMENT_NAMES.join(', ')}; without --only: all but ${OPT_IN_EXPERIMENTS.join(', ')})` },
    { name: 'seeds', type: 'integer', value: 'N', description: 'seeds per cell (default: 8, the fewest that can carry a claims verdict; 1 with --quick)' },
    { name: 'out', type: 'string', value: 'DIR', default: 'results', description: 'results folder' },
    { name: 'shard', type: 'string', value: 'K/N|auto[/N]', description: 'run only runs with index ≡ K−1 (mod N); auto: K (and N) from the Slurm array or Kubernetes Indexed Job environment (docs/cluster.md)' },
    { name: 'html-only', type: 'boolean', description: 'write figures as HTML only (no SVG/PNG via Chromium)' },
    { name: 'wait-tuning', type: 'integer', value: 'SECONDS', description: 'sharded: wait up to SECONDS for the other shards\' tuning trials instead of stopping after this shard\'s (all shards must run at once)' },
  ],
  maxArgs: 0,
  async run(args, io) {
    const seeds = optNumber(args, 'seeds');
    if (seeds !== undefined && seeds < 1) throw new UserError(`--seeds must be ≥ 1, got ${seeds}`);
    const wait = optNumber(args, 'wait-tuning');
    if (wait !== undefined && wait < 0) throw new UserError(`--wait-tuning must be ≥ 0 seconds, got ${wait}`);
    const shardText = optString(args, 'shard');
    let shard: Shard | undefined;
    if (shardText && isAutoShard(shardText)) {
      const resolved = resolveAutoShard(shardText);
      io.err(`shard ${resolved.shard.index}/${resolved.shard.count} from ${resolved.source}`);
      shard = resolved.shard;
    } else if (shardText) {
      shard = parseShard(shardText);
    }
    const sink: ProgressSink = io.interactive ? terminalSink(true) : (u) => io.err(formatBar(u));
    const report = await reproduce({
      out: optString(args, 'out') ?? 'results',
      protocol: protocolFor(optBool(args, 'quick') ? 'quick' : 'full', seeds),
      only: optList(args, 'only'),
      shard,
      images: !optBool(args, 'html-only'),
      waitForTuning: wait,
      onProgress: sink,
      log: (l) => io.err(l),
    });
    if (args.json) {
      io.json(report);
    } else {
      if (report.tuning) io.out(`tuning: ${report.tuning.ran.length} trial(s) done, ${report.tuning.skipped} skipped (already finished), ${report.tuning.failed.length} failed (kept without a score)`);
      if (report.tuningPending) {
        io.out(`tuning pass of this shard done: ${report.tuningPending}`);
        return 0;
      }
      io.out(`${report.ran.length} run(s) done, ${report.skipped.length} skipped (already finished), ${report.failed.length} failed, in ${report.seconds.toFixed(1)} s`);
      for (const f of report.failed) io.out(`  failed: ${f.id}: ${f.error}`);
      if (report.outputs) {
        io.out(`tables:  ${report.outputs.tables.map((t) => `${report.out}/tables/${t}.md`).join(', ')}`);
        io.out(`figures: ${report.outputs.figures.length} in ${report.out}/figures${report.outputs.imagesNote ? ` (${report.outputs.imagesNote})` : ''}`);
        io.out(`claims:  ${report.outputs.claimsFile} (and .csv)`);
        io.out(`summary: ${report.outputs.summaryFile}`);
      } else {
        io.out(`shard done; combine the shard folders with: dive merge DIR… --out ${report.out}`);
      }
    }
    return report.failed.length > 0 ? 1 : 0;
  },
};
