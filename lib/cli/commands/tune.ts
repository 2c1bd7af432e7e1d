/** `dive tune`: the tuning stage of `dive reproduce` on its own (lib/study/run/tune.ts). */
import type { Command } from '../../util/command';
import { optBool, optString } from '../../util/command';
import { isAutoShard, resolveAutoShard } from '../../cluster/shardEnv';
import { parseShard, type Shard } from '../../study/run/plan';
import { protocolFor } from '../../study/spec/protocol';
import { reproduce } from '../../study/reproduce';
import { tuningPath } from '../../study/run/tune';
import { describeSpace } from '../../study/spec/tuning';
import { formatBar, terminalSink, type ProgressSink } from '../../util/progress';
import { UserError } from '../../util/errors';

export const tuneCommand: Command = {
  words: ['tune'],
  summary: 'the tuning stage alone: the same search budget for every compared model, chosen on validation (resumable, shardable)',
  help:
    'Runs the tuning trials of every compared model (the protocol\'s budget: configurations per model from its declared search space, ' +
    'lib/study/spec/definitions.ts searchSpaces(), from the model cards), each a run recorded in OUT/runs/ and evaluated on the validation split only, and writes ' +
    'OUT/tuning.json with every trial\'s validation MSE and the chosen configuration per model. `dive reproduce` into the same --out reuses ' +
    'the finished trials and runs the test runs with the chosen configurations. --shard K/N runs every N-th trial; the shard that finds ' +
    'every trial finished writes tuning.json (rerun a shard to select once the others are done).',
  options: [
    { name: 'quick', type: 'boolean', description: 'the quick protocol\'s budget (2 configurations × 1 seed × 2 epochs on subsets)' },
    { name: 'out', type: 'string', value: 'DIR', default: 'results', description: 'results folder (shared with dive reproduce)' },
    { name: 'shard', type: 'string', value: 'K/N|auto[/N]', description: 'run only trials with index ≡ K−1 (mod N); auto: from the Slurm / Kubernetes environment' },
  ],
  maxArgs: 0,
  async run(args, io) {
    const shardText = optString(args, 'shard');
    let shard: Shard | undefined;
    if (shardText && isAutoShard(shardText)) shard = resolveAutoShard(shardText).shard;
    else if (shardText) shard = parseShard(shardText);
    const out = optString(args, 'out') ?? 'results';
    const protocol = protocolFor(optBool(args, 'quick') ? 'quick' : 'full');
    if (!protocol.tuning || protocol.tuning.budget < 1) throw new UserError(`protocol '${protocol.name}' has no tuning budget`);
    const sink: ProgressSink = io.interactive ? terminalSink(true) : (u) => io.err(formatBar(u));
    const report = await reproduce({ out, protocol, only: ['tune'], shard, images: false, onProgress: sink, log: (l) => io.err(l) });
    const tuning = report.inputs.tuning;
    if (args.json) {
      io.json({ tuning: report.tuning, pending: report.tuningPending ?? null, selection: tuning ?? null });
      return 0;
    }
    const t = report.tuning;
    if (t) io.out(`${t.ran.length} trial(s) done, ${t.skipped} skipped (already finished), ${t.failed.length} failed (kept without a score)`);
    if (report.tuningPending) {
      io.out(report.tuningPending);
      return 0;
    }
    for (const m of tuning?.models ?? []) {
      const chosen = m.chosen === null ? (m.space ? 'every trial failed: defaults' : describeSpace(null)) : `trial ${m.chosen} of ${m.trials.length}: ${Object.keys(m.config.model).length + Object.keys(m.config.train).length ? JSON.stringify(m.config) : 'the defaults'}`;
      io.out(`${m.model} (${m.data}, h = ${m.horizon}): ${chosen}`);
    }
    io.out(`selection: ${tuningPath(out)}`);
    return 0;
  },
};
