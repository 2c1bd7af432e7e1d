#!/usr/bin/env node
/**
 * How long a `dive reproduce` folder took: the measured seconds of every finished run record
 * (tuning trials and test runs), grouped by model and data set, against the full protocol's
 * plan. A sharded reproduction may stop and resume (across days, too); the records still hold
 * each run's own wall time, so the sum is the compute a one-process reproduction needs, and
 * the sum divided by the shard count what N balanced shards need on N cores. While runs are
 * missing, their time is *projected* from the finished runs of the same stage, model and data
 * set, and printed as a projection — only once every such group has a finished run (a
 * persistence run takes a second, a DeepDIVE run minutes: no common mean stands in).
 *
 * Usage (after `npm run build`): node bench/reproduction-time.js OUT [--shards N] [--seeds N]
 */
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const args = process.argv.slice(2);
const out = args[0];
if (!out || out.startsWith('--')) {
  console.error('usage: node bench/reproduction-time.js OUT [--shards N] [--seeds N]');
  process.exit(2);
}
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const shards = opt('shards', 2);
const dist = path.join(__dirname, '..', 'dist', 'lib', 'study');
const { protocolFor } = require(path.join(dist, 'spec', 'protocol'));
const { searchSpaces } = require(path.join(dist, 'spec', 'definitions'));
const { expandPlan, selectExperiments } = require(path.join(dist, 'run', 'plan'));
const { tuningRuns } = require(path.join(dist, 'run', 'tune'));
const { chooseAll } = require(path.join(dist, 'run', 'dataChoice'));
const { tuningTargetsOf } = require(path.join(dist, 'reproduce'));

// Once the folder has a plan.json (written when the tuning stage is done), its inputs — the
// tuning outcome included — name the test runs exactly; before that, the untuned plan gives
// their count only approximately (a tuned configuration can stop coinciding with a sweep's
// default row, which the untuned plan counts once).
const { readPlanInputs } = require(path.join(dist, 'run', 'store'));
const fromFolder = fs.existsSync(path.join(out, 'plan.json'));
const inputs = fromFolder
  ? readPlanInputs(out)
  : { protocol: protocolFor('full', opt('seeds', undefined)), only: selectExperiments([]), choices: chooseAll() };
const trials = tuningRuns(inputs.protocol, inputs.choices, tuningTargetsOf(inputs), searchSpaces());
const tests = expandPlan(inputs).runs;
const plannedIds = new Set([...trials, ...tests].map((r) => r.id));
const planned = new Map();
const key = (stage, spec) => `${stage} ${spec.model} ${spec.data}`;
for (const t of trials) planned.set(key('tune', t.spec), (planned.get(key('tune', t.spec)) ?? 0) + 1);
for (const r of tests) planned.set(key('test', r.spec), (planned.get(key('test', r.spec)) ?? 0) + 1);
if (!fromFolder) console.log(`${out}/plan.json not written yet: test-run counts from the untuned plan (approximate)`);

const dir = path.join(out, 'runs');
const done = new Map();
let stale = 0;
for (const f of fs.existsSync(dir) ? fs.readdirSync(dir) : []) {
  if (!f.endsWith('.json')) continue;
  const r = JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8'));
  if (typeof r.seconds !== 'number' || !r.metrics) continue;
  if (fromFolder && !plannedIds.has(r.id)) {
    stale += 1; // a record of another plan (an older default, a void attempt): not this reproduction's time
    continue;
  }
  const k = key(r.spec.stage === 'tune' ? 'tune' : 'test', r.spec);
  const g = done.get(k) ?? { n: 0, s: 0 };
  g.n += 1;
  g.s += r.seconds;
  done.set(k, g);
}
if (stale) console.log(`${stale} record(s) in ${dir} belong to no run of this plan (left out)`);
let measured = 0;
let finished = 0;
for (const g of done.values()) {
  measured += g.s;
  finished += g.n;
}
let projected = 0;
let unmeasured = 0;
let total = 0;
const rows = [];
for (const [k, n] of [...planned.entries()].sort()) {
  total += n;
  const g = done.get(k) ?? { n: 0, s: 0 };
  const rest = g.n ? Math.max(0, n - g.n) * (g.s / g.n) : 0;
  projected += rest;
  if (!g.n) unmeasured += 1;
  const still = n <= g.n ? '' : g.n ? `, still to run ≈ ${(rest / 60).toFixed(0)} min` : ', none finished yet';
  rows.push(`${k.padEnd(36)} ${String(g.n).padStart(3)}/${String(n).padEnd(3)} measured ${(g.s / 60).toFixed(1).padStart(7)} min${g.n ? ` (${(g.s / g.n).toFixed(0)} s each)` : ''}${still}`);
}
const h = (s) => `${(s / 3600).toFixed(2)} h`;
console.log(rows.join('\n'));
console.log(`finished ${finished} of ${total} runs (tuning trials and test runs); measured ${h(measured)} of compute`);
if (finished < total && unmeasured > 0) console.log(`no projection yet: ${unmeasured} group(s) have no finished run`);
else if (finished < total) console.log(`projected for the rest: ${h(projected)}; projected total ${h(measured + projected)}, ≈ ${h((measured + projected) / shards)} on ${shards} balanced shards (a projection, not a measurement)`);
else console.log(`complete: ${h(measured)} of compute, ≈ ${h(measured / shards)} on ${shards} balanced shards`);
