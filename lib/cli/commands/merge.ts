/** `dive merge`: combine shard results folders of `dive reproduce` and rebuild tables/figures. */
import type { Command } from '../../util/command';
import { optBool, optString } from '../../util/command';
import { mergeResults } from '../../study/merge';

export const mergeCommand: Command = {
  words: ['merge'],
  summary: "combine run results of several 'dive reproduce --shard' folders and rebuild tables and figures",
  args: 'DIR…',
  help: 'Every DIR must come from the same reproduce command (same plan.json). Runs are copied into --out; tables are byte-identical to an unsharded reproduction.',
  options: [
    { name: 'out', type: 'string', value: 'DIR', default: 'results', description: 'merged results folder' },
    { name: 'html-only', type: 'boolean', description: 'write figures as HTML only (no SVG/PNG via Chromium)' },
  ],
  minArgs: 1,
  async run(args, io) {
    const out = optString(args, 'out') ?? 'results';
    const report = await mergeResults(args.positionals, out, { images: !optBool(args, 'html-only'), log: (l) => io.err(l) });
    if (args.json) {
      io.json(report);
    } else {
      for (const [d, n] of Object.entries(report.found)) io.out(`${d}: ${n} run record(s)`);
      io.out(`${report.merged} run(s) merged into ${out}; ${report.outputs.missingRuns.length} planned run(s) missing`);
      io.out(`tables:  ${report.outputs.tables.map((t) => `${out}/tables/${t}.md`).join(', ')}`);
      io.out(`figures: ${report.outputs.figures.length} in ${out}/figures${report.outputs.imagesNote ? ` (${report.outputs.imagesNote})` : ''}`);
    }
    return 0;
  },
};
