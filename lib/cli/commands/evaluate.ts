/** `dive evaluate`: reload a checkpoint and recompute its test metrics (identical to dive train's). */
import type { Command } from '../../util/command';
import { optString } from '../../util/command';
import { evaluateCheckpoint } from '../../train/run';
import { UserError } from '../../util/errors';
import { backendName, describeReport } from './train';

export const evaluateCommand: Command = {
  words: ['evaluate'],
  summary: 'reload a trained checkpoint and recompute its test metrics',
  help: 'Loads the best weights of a dive train --out folder, re-prepares its data with the recorded options and evaluates the test split exactly as dive train did.',
  options: [{ name: 'checkpoint', type: 'string', value: 'DIR', description: 'checkpoint folder written by dive train --out' }],
  maxArgs: 0,
  async run(args, io) {
    const dir = optString(args, 'checkpoint');
    if (!dir) throw new UserError('dive evaluate needs --checkpoint DIR (the --out folder of a dive train run)');
    const backend = await backendName();
    const report = await evaluateCheckpoint(dir, backend);
    if (args.json) io.json(report);
    else describeReport(report).forEach((l) => io.out(l));
    return 0;
  },
};
