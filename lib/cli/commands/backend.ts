/** `dive backend`: which tfjs backend is active, and why the preferred ones were skipped. */
import type { Command } from '../../util/command';
import { optString } from '../../util/command';
import { describeBackend, initBackend } from '../../backend/select';
import { UserError } from '../../util/errors';

export const backendCommand: Command = {
  words: ['backend'],
  summary: 'show the active TensorFlow.js backend and why others were skipped',
  options: [{ name: 'backend', type: 'string', value: 'NAME', description: 'force a backend (same as DIVE_BACKEND)' }],
  maxArgs: 0,
  async run(args, io) {
    let report;
    try {
      report = await initBackend(optString(args, 'backend'));
    } catch (err) {
      throw new UserError((err as Error).message);
    }
    if (args.json) io.json(report);
    else io.out(describeBackend(report));
    return 0;
  },
};
