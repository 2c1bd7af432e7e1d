#!/usr/bin/env node
/**
 * This checkout's `dive bench` against another commit's, side by side in one run: the other
 * commit is checked out into a git worktree (out/bench-worktrees/<rev>, sharing this
 * checkout's node_modules) and built there, then the two run alternately — old, new, old,
 * new, … — each `dive bench --backend wasm --json` in its own process, so that a change in
 * the machine's load hits both. Prints per round and the median over rounds, with the ratio
 * old / new (≥ 2 = at least twice as fast), and writes everything to OUT as JSON.
 *
 * Each workload runs in its own `dive bench` call with a count of warm-up steps that both
 * commits understand (--warmup-seconds is newer than REV may be): 100 for deepdive-gait, whose
 * first ≈ 50 steps run while V8 still compiles tfjs (≈ 15 ms a step against ≈ 6 later), 5 for
 * the others; --warmup N sets one count for all.
 *
 * Usage: node bench/against-commit.js REV [--workload W[,W]] [--rounds N] [--steps N] [--warmup N] [--out FILE]
 * Example (issue 14's reference, the default when it was opened):
 *   npm run build && node bench/against-commit.js 8d6b3bf --workload deepdive-electricity,deepdive-gait
 */
'use strict';
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : dflt;
};
const rev = args[0];
if (!rev || rev.startsWith('--')) {
  console.error('usage: node bench/against-commit.js REV [--workload W[,W]] [--rounds N] [--steps N] [--warmup N] [--out FILE]');
  process.exit(2);
}
const workloads = opt('workload', 'deepdive-electricity,deepdive-gait');
const rounds = Number(opt('rounds', '3'));
const steps = opt('steps', '20');
const WARMUP = { 'deepdive-gait': '100' };
const warmupOf = (w) => opt('warmup', WARMUP[w] ?? '5');
const out = opt('out', path.join(root, 'out', 'bench', `against-${rev}.json`));

const sha = execFileSync('git', ['rev-parse', '--verify', `${rev}^{commit}`], { cwd: root, encoding: 'utf8' }).trim();
const tree = path.join(root, 'out', 'bench-worktrees', sha.slice(0, 12));
if (!fs.existsSync(path.join(tree, 'bin', 'dive.js'))) {
  fs.mkdirSync(path.dirname(tree), { recursive: true });
  execFileSync('git', ['worktree', 'add', '--detach', tree, sha], { cwd: root, stdio: 'inherit' });
}
if (!fs.existsSync(path.join(tree, 'node_modules'))) fs.symlinkSync(path.join(root, 'node_modules'), path.join(tree, 'node_modules'));
if (!fs.existsSync(path.join(tree, 'dist', 'lib', 'cli'))) {
  console.error(`building ${sha.slice(0, 12)} in ${path.relative(root, tree)}`);
  execFileSync(process.execPath, [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'], { cwd: tree, stdio: 'inherit' });
}
const here = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim();
const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: root, encoding: 'utf8' }).trim() !== '';

/** One `dive bench` call per workload in the checkout at `dir`: { workload: { medianMs, gflopPerStep } }. */
function bench(dir) {
  return Object.assign({}, ...workloads.split(',').map((w) => benchOne(dir, w)));
}

function benchOne(dir, workload) {
  const text = execFileSync(process.execPath, [path.join(dir, 'bin', 'dive.js'), 'bench', '--workload', workload, '--backend', 'wasm', '--steps', steps, '--warmup', warmupOf(workload), '--json'], {
    cwd: dir,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
    maxBuffer: 64 << 20,
  });
  const r = JSON.parse(text);
  return Object.fromEntries(r.results.filter((x) => x.status === 'ok').map((x) => [x.workload, { medianMs: x.medianMs, gflopPerStep: (x.gflops * x.medianMs) / 1000 }]));
}

const median = (v) => {
  const s = [...v].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const uptime = () => fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
const record = { old: sha, new: here + (dirty ? ' (with uncommitted changes)' : ''), workloads: workloads.split(','), steps: Number(steps), warmup: Object.fromEntries(workloads.split(',').map((w) => [w, Number(warmupOf(w))])), loadBefore: uptime(), rounds: [] };
for (let i = 0; i < rounds; i++) {
  const o = bench(tree);
  const n = bench(root);
  record.rounds.push({ old: o, new: n, load: uptime() });
  for (const w of record.workloads) if (o[w] && n[w]) console.log(`round ${i + 1} ${w}: old ${o[w].medianMs.toFixed(1)} ms, new ${n[w].medianMs.toFixed(1)} ms, ${(o[w].medianMs / n[w].medianMs).toFixed(2)}×`);
}
record.loadAfter = uptime();
record.summary = record.workloads.map((w) => {
  const o = median(record.rounds.map((r) => r.old[w]?.medianMs).filter(Number.isFinite));
  const n = median(record.rounds.map((r) => r.new[w]?.medianMs).filter(Number.isFinite));
  const ratios = record.rounds.map((r) => r.old[w]?.medianMs / r.new[w]?.medianMs).filter(Number.isFinite);
  return { workload: w, oldMs: o, newMs: n, ratio: o / n, ratioMin: Math.min(...ratios), ratioMax: Math.max(...ratios), gflopPerStep: { old: record.rounds[0].old[w]?.gflopPerStep, new: record.rounds[0].new[w]?.gflopPerStep } };
});
for (const s of record.summary) {
  console.log(`${s.workload}: ${sha.slice(0, 7)} ${s.oldMs.toFixed(1)} ms vs this checkout ${s.newMs.toFixed(1)} ms (medians of ${rounds} rounds): ${s.ratio.toFixed(2)}× (rounds ${s.ratioMin.toFixed(2)}–${s.ratioMax.toFixed(2)}); GFLOP per step ${s.gflopPerStep.old?.toFixed(2)} vs ${s.gflopPerStep.new?.toFixed(2)}`);
}
console.log(`load average before ${record.loadBefore}, after ${record.loadAfter}`);
fs.mkdirSync(path.dirname(out), { recursive: true });
fs.writeFileSync(`${out}.tmp`, JSON.stringify(record, null, 2));
fs.renameSync(`${out}.tmp`, out);
