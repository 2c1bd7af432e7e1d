/**
 * `dive bench`: the speed lab's benchmark (packages/speedlab/src/bench/command.ts), reached
 * through the plugin (lib/backend/plugin.ts): its options and help come with it, and without the
 * speed lab the command says so in one `dive: …` line.
 */
import type { Command } from '../../util/command';
import { requireSpeedLab } from '../../backend/plugin';

export const benchCommand: Command = {
  words: ['bench'],
  summary: 'time training steps per workload and backend (ms/step, GFLOP/s, peak RSS; the speed lab)',
  options: [],
  async load() {
    return (await requireSpeedLab('dive bench')).benchCommand();
  },
  async run(_args, _io) {
    throw new Error('dive bench runs the command its load() returns');
  },
};
