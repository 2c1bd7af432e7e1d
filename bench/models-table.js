#!/usr/bin/env node
'use strict';
// Markdown tables of a models-matrix folder (bench/models-matrix.sh): one table per data set,
// one row per model (or model@TAG variant, from the file names <row>_s<seed>.json), mean ±
// sample std over the seeds found.
//   node bench/models-table.js OUT_DIR
const fs = require('node:fs');
const path = require('node:path');

const dir = process.argv[2];
if (!dir || !fs.existsSync(dir)) {
  process.stderr.write('usage: node bench/models-table.js OUT_DIR (a bench/models-matrix.sh output folder)\n');
  process.exit(2);
}
const ORDER = ['deepdive', 'deepdive-concat', 'deepdive-a', 'deepdive-b', 'beta-tcvae', 'beta-vae', 'persistence', 'seasonal-naive', 'linear', 'gru'];
const wall = new Map();
const wallFile = path.join(dir, 'wall.tsv');
if (fs.existsSync(wallFile)) {
  for (const line of fs.readFileSync(wallFile, 'utf8').split('\n')) {
    const [d, m, s, sec] = line.split('\t');
    if (sec) wall.set(`${d}/${m}/${s}`, Number(sec));
  }
}
/** "mean ± std" (sample std, n − 1) with `digits` decimals; "–" without finite values. */
function ms(values, digits = 3) {
  const v = values.filter((x) => typeof x === 'number' && Number.isFinite(x));
  if (v.length === 0) return '–';
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  if (v.length === 1) return mean.toFixed(digits);
  const sd = Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / (v.length - 1));
  return `${mean.toFixed(digits)} ± ${sd.toFixed(digits)}`;
}
const out = [];
for (const data of fs.readdirSync(dir).filter((d) => fs.statSync(path.join(dir, d)).isDirectory()).sort()) {
  const runs = fs
    .readdirSync(path.join(dir, data))
    .filter((f) => /_s\d+\.json$/.test(f))
    .map((f) => ({ ...JSON.parse(fs.readFileSync(path.join(dir, data, f), 'utf8')), row: f.replace(/_s\d+\.json$/, '') }));
  if (runs.length === 0) continue;
  const byModel = new Map();
  for (const r of runs) (byModel.get(r.row) ?? byModel.set(r.row, []).get(r.row)).push(r);
  const rank = (row) => {
    const i = ORDER.indexOf(row.split('@')[0]);
    return (i < 0 ? 99 : i) + (row.includes('@') ? 0.5 : 0);
  };
  const models = [...byModel.keys()].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  const labels = [...new Set(runs.flatMap((r) => Object.keys(r.test.cluster ?? {})))];
  const w = runs[0].window;
  out.push(`### ${data} (input ${w.inputLength}, horizon ${w.horizon}, target ${w.targetLength}; ${runs[0].test.windows} test windows; backend ${runs[0].backend})`, '');
  const head = ['model', 'seeds', 'epochs run (best)', 'best val MSE (scaled)', 'test RRSE (orig.)', 'test CORR', 'recon RRSE (orig.)', 'MIG', ...labels.map((l) => `${l} acc / NMI`), 'wall s / run'];
  out.push(`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`);
  for (const m of models) {
    const rs = byModel.get(m).sort((a, b) => a.seed - b.seed);
    const t = (f) => rs.map((r) => f(r.test));
    const row = [
      m,
      rs.map((r) => r.seed).join(','),
      rs.map((r) => `${r.epochs} (${r.bestEpoch})`).join(', '),
      ms(rs.map((r) => (r.history.valForecastMse.length ? Math.min(...r.history.valForecastMse) : undefined)), 4),
      ms(t((x) => x.forecast.original.rrse), 4),
      ms(t((x) => x.forecast.original.corr), 3),
      ms(t((x) => x.reconstruction && x.reconstruction.rrseOriginal), 3),
      ms(t((x) => x.mig), 3),
      ...labels.map((l) => {
        const c = t((x) => x.cluster && x.cluster[l]);
        return c.some((x) => x) ? `${ms(c.map((x) => x && x.accuracy), 3)} / ${ms(c.map((x) => x && x.nmi), 3)}` : '–';
      }),
      ms(rs.map((r) => wall.get(`${data}/${m}/${r.seed}`)), 0),
    ];
    out.push(`| ${row.join(' | ')} |`);
  }
  out.push('');
}
process.stdout.write(out.join('\n') + '\n');
