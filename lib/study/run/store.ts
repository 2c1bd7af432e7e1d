/**
 * The results folder of a reproduction:
 *
 *   <out>/plan.json              the plan inputs (protocol, --only, data choices)
 *   <out>/runs/<run-id>.json     one RunRecord per finished run (written atomically)
 *   <out>/tables/<name>.csv|.md  tables (tabulate.ts)
 *   <out>/figures/<name>.html|.svg|.png
 *   <out>/summary.json
 *
 * A run is finished when its record exists and parses with the right id; a run interrupted
 * mid-way leaves no record (atomic write), so a restart simply runs it again.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomic } from '../../util/atomic';
import { UserError } from '../../util/errors';
import type { PlanInputs } from './plan';
import { canonicalJson } from '../../util/json';
import type { RunRecord } from '../spec/types';
import type { OutputTarget } from '../../util/outputDir';

export function runsDir(out: string): string {
  return path.join(out, 'runs');
}

export function recordPath(out: string, id: string): string {
  return path.join(runsDir(out), `${id}.json`);
}

/** Read and check one run record; a corrupt file is a UserError naming it. */
export function readRecord(file: string): RunRecord {
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new UserError(`run record ${file} is not valid JSON (${(err as Error).message.split('\n')[0]}); delete it to rerun that run`);
  }
  const r = parsed as Partial<RunRecord>;
  const expected = path.basename(file, '.json');
  if (r.schema !== 1 || typeof r.id !== 'string' || !r.spec || !r.metrics) {
    throw new UserError(`run record ${file} is not a divelab run record (schema 1 with id, spec, metrics); delete it to rerun that run`);
  }
  if (r.id !== expected) throw new UserError(`run record ${file} holds run '${r.id}', not '${expected}'; rename or delete it`);
  return r as RunRecord;
}

/** Is this run's record present and readable? */
export function isFinished(out: string, id: string): boolean {
  const f = recordPath(out, id);
  if (!fs.existsSync(f)) return false;
  try {
    readRecord(f);
    return true;
  } catch {
    return false;
  }
}

export function writeRecord(out: string, record: RunRecord): string {
  const f = recordPath(out, record.id);
  writeFileAtomic(f, `${JSON.stringify(record)}\n`);
  return f;
}

/** Every record in `<dir>/runs` (or in `dir` itself when it holds the run files), by id. */
export function readRecords(dir: string): Map<string, RunRecord> {
  const d = fs.existsSync(runsDir(dir)) ? runsDir(dir) : dir;
  if (!fs.existsSync(d)) throw new UserError(`results folder ${dir} not found; pass a folder written by 'dive reproduce --out DIR'`);
  const out = new Map<string, RunRecord>();
  for (const name of fs.readdirSync(d).sort()) {
    if (!name.endsWith('.json') || name.startsWith('.')) continue;
    const rec = readRecord(path.join(d, name));
    out.set(rec.id, rec);
  }
  return out;
}

/** A results folder (reproduce, tune, merge, and the jobs that prepare one) as an output target: ours when it holds plan.json, tuning.json, runs/ or the marker. */
export const RESULTS_TARGET: OutputTarget = { writes: 'a results folder', ownEntries: ['plan.json', 'tuning.json', 'runs'] };

export function planPath(out: string): string {
  return path.join(out, 'plan.json');
}

export function writePlanInputs(out: string, inputs: PlanInputs): void {
  writeFileAtomic(planPath(out), `${JSON.stringify(JSON.parse(canonicalJson(inputs)), null, 2)}\n`);
}

/**
 * plan.json for a shard writing into a folder other shards share: exactly one process creates
 * it (write a temporary file, then hard-link it into place, which fails if the name exists —
 * atomic on local file systems and NFS alike); every other shard only reads and compares it.
 * So no two shards ever write the same file: the run records they write are disjoint by
 * construction (shardRuns), and plan.json is written once. A plan.json of a different plan
 * (other protocol, --only, --seeds or data) is refused: those runs would not belong to one table.
 */
export function claimPlanInputs(out: string, inputs: PlanInputs): 'created' | 'same' {
  const target = planPath(out);
  const text = `${JSON.stringify(JSON.parse(canonicalJson(inputs)), null, 2)}\n`;
  if (!fs.existsSync(target)) {
    fs.mkdirSync(out, { recursive: true });
    const tmp = path.join(out, `.plan.json.claim-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}`);
    fs.writeFileSync(tmp, text);
    try {
      fs.linkSync(tmp, target);
      return 'created';
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    } finally {
      fs.rmSync(tmp, { force: true });
    }
  }
  if (canonicalJson(readPlanInputs(out)) !== canonicalJson(inputs)) {
    throw new UserError(`${target} holds a different plan (protocol, --only, --seeds or data choices) than this shard; give this reproduction its own --out folder, or delete that folder to start over`);
  }
  return 'same';
}

export function readPlanInputs(dir: string): PlanInputs {
  const f = planPath(dir);
  if (!fs.existsSync(f)) throw new UserError(`${f} not found; '${dir}' is not a folder written by 'dive reproduce' (it writes plan.json first)`);
  try {
    return JSON.parse(fs.readFileSync(f, 'utf8')) as PlanInputs;
  } catch (err) {
    throw new UserError(`${f} is not valid JSON (${(err as Error).message.split('\n')[0]}); rerun 'dive reproduce' into that folder`);
  }
}
