#!/usr/bin/env node
/**
 * Sparse base-predictors (docs/design.md §Sparse base-predictors): the sparse-task arm against the
 * all-factors control and the ridge / ridge + FastICA baselines, over several seeds, at the
 * default config (or a JSON override). Prints a Markdown table of mean ± std over the seeds and
 * the CPU seconds per run, then per arm the test R² of each factor column (mean over the seeds).
 * Needs `npm run build`.
 * Usage: node bench/sparse-bilevel.js [SEEDS=2] ['{"steps": 1500}'] [--quick]
 * (`--quick`: the override is laid over QUICK_SPARSE, the preset of `dive train --quick`, instead
 * of the defaults.)
 */
const path = require('node:path');
const dist = path.join(__dirname, '..', 'dist', 'lib');
const { initBackend } = require(path.join(dist, 'backend', 'select.js'));
const { runSparse } = require(path.join(dist, 'methods', 'sparse', 'pipeline.js'));
const { QUICK_SPARSE, DEFAULT_SPARSE, sparseConfig } = require(path.join(dist, 'methods', 'sparse', 'config.js'));

const quick = process.argv.includes('--quick');
const args = process.argv.slice(2).filter((a) => a !== '--quick');
const seeds = Number(args[0] ?? 2);
const override = args[1] ? JSON.parse(args[1]) : {};

function ms(values) {
  const m = values.reduce((a, b) => a + b, 0) / values.length;
  const s = values.length > 1 ? Math.sqrt(values.reduce((a, b) => a + (b - m) ** 2, 0) / (values.length - 1)) : 0;
  return `${m.toFixed(3)} ± ${s.toFixed(3)}`;
}

(async () => {
  const backend = await initBackend();
  const reports = [];
  for (let seed = 0; seed < seeds; seed++) {
    const c0 = process.cpuUsage();
    const r = runSparse(sparseConfig({ ...override, seed }, quick ? QUICK_SPARSE : DEFAULT_SPARSE), { backend: backend.active });
    const c = process.cpuUsage(c0);
    reports.push(r);
    const per = Object.values(r.arms).map((a) => `${a.arm} ${a.mcc.pearson.toFixed(3)}`).join(', ');
    console.error(`seed ${seed}: ${r.seconds.toFixed(0)} s wall, ${((c.user + c.system) / 1e6).toFixed(0)} CPU-s; MCC ${per}`);
  }
  const arms = Object.keys(reports[0].arms);
  const ks = reports[0].fewShot.map((f) => f.k);
  console.log(`| arm | MCC (Pearson) | R² | task R² | |Ŝ| / |S| | ${ks.map((k) => `k=${k} R² | k=${k} acc`).join(' | ')} |`);
  console.log(`|---|---|---|---|---|${ks.map(() => '---|---').join('|')}|`);
  for (const arm of arms) {
    const a = reports.map((r) => r.arms[arm]);
    const cells = [ms(a.map((x) => x.mcc.pearson)), ms(a.map((x) => x.r2)), ms(a.map((x) => x.taskError.r2)), `${ms(a.map((x) => x.taskError.meanSupport))} / ${a[0].taskError.trueSupport}`];
    ks.forEach((k, i) => cells.push(ms(a.map((x) => x.fewShot[i].regression.r2)), ms(a.map((x) => x.fewShot[i].classification.accuracy))));
    console.log(`| ${arm} | ${cells.join(' | ')} |`);
  }
  console.log(`\nper-seed MCC: ${arms.map((arm) => `${arm} [${reports.map((r) => r.arms[arm].mcc.pearson.toFixed(3)).join(', ')}]`).join('; ')}`);
  const columns = Object.keys(reports[0].arms[arms[0]].r2PerFactor);
  const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
  console.log(`\nTest R² per factor column (mean over ${seeds} seeds):\n\n| arm | ${columns.join(' | ')} |\n|---|${columns.map(() => '---').join('|')}|`);
  for (const arm of arms) console.log(`| ${arm} | ${columns.map((c) => mean(reports.map((r) => r.arms[arm].r2PerFactor[c])).toFixed(3)).join(' | ')} |`);
})();
