/**
 * `dive theory check`: run the numerical checks of E1–E3 (lib/theory/checks.ts) over seeded
 * random parameters and print, per check, the largest error found (or, for checks that expect
 * a violation, the weakest violation), its tolerance and pass/fail. Exit 1 if any check fails.
 */
import type { Command } from '../../util/command';
import { optList, optNumber } from '../../util/command';
import { CHECKS, CheckOptionsSchema, DEFAULT_CHECK_OPTIONS, runChecks, type CheckResult } from '../../theory/checks';
import { parseConfig } from '../../util/config';

function fmt(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  return v === 0 || (Math.abs(v) >= 1e-3 && Math.abs(v) < 1e4) ? v.toPrecision(4) : v.toExponential(2);
}

function table(results: readonly CheckResult[]): string[] {
  const rows = results.map((r) => [
    r.passed ? 'ok' : 'FAIL',
    r.equation,
    r.name,
    r.expectation === 'holds' ? 'holds' : 'violated',
    r.expectation === 'holds' ? `${fmt(r.maxError)} <= ${fmt(r.tolerance)}` : `${fmt(r.maxError)} > ${fmt(r.tolerance)}`,
  ]);
  const head = ['', 'eq', 'check', 'expects', 'measured vs tolerance'];
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]): string => r.map((c, i) => c.padEnd(w[i])).join('  ').trimEnd();
  return [line(head), ...rows.map(line)];
}

export const theoryCheckCommand: Command = {
  words: ['theory', 'check'],
  summary: 'check the E1–E3 identities and bounds numerically (seeded random parameters)',
  help:
    "Each check draws --trials random parameter sets. 'holds' checks report the largest error and pass when it is within tolerance; " +
    "'violated' checks expect a property to FAIL (a loose bound, a non-log-concave control) and pass only when the violation is seen in every trial. " +
    'Derivations: docs/theory.md. Exit code 1 if any check fails.',
  options: [
    { name: 'seed', type: 'integer', value: 'S', description: 'base random seed', default: DEFAULT_CHECK_OPTIONS.seed },
    { name: 'trials', type: 'integer', value: 'N', description: 'random parameter draws per check', default: DEFAULT_CHECK_OPTIONS.trials },
    { name: 'only', type: 'list', value: 'NAMES', description: `run only these checks (comma-separated; known: ${CHECKS.map((c) => c.name).join(', ')})` },
  ],
  maxArgs: 0,
  async run(args, io) {
    const { seed, trials } = parseConfig(CheckOptionsSchema, { seed: optNumber(args, 'seed'), trials: optNumber(args, 'trials') }, 'theory');
    const started = Date.now();
    const results = runChecks({ seed, trials }, optList(args, 'only'));
    const failed = results.filter((r) => !r.passed);
    const seconds = (Date.now() - started) / 1000;
    if (args.json) {
      io.json({ seed, trials, passed: failed.length === 0, seconds, checks: results });
    } else {
      for (const l of table(results)) io.out(l);
      io.out('');
      for (const r of results) io.out(`${r.name}: ${r.detail}`);
      io.out('');
      io.out(`${results.length - failed.length}/${results.length} checks passed (seed ${seed}, ${trials} trials each, ${seconds.toFixed(1)} s)`);
    }
    return failed.length ? 1 : 0;
  },
};
