/**
 * A shard SIGKILLed mid-run and restarted finishes without redoing its finished runs
 * (the compiled CLI, `--shard auto` from Slurm's variables). Where the machine can run the
 * test Slurm cluster, tests/cluster/slurm.test.ts checks the same through the real scheduler
 * (kill, resubmit, same counts and untouched records), so this one is skipped there to keep
 * the suite short; it is the check on machines without root or Slurm.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { slurmUnavailableReason } from '../../lib/cluster/slurmTestCluster';
import { QUICK_REPRO, SHARD2_RUNS, records, startDive, until } from './helpers';

const slurmRuns = slurmUnavailableReason() === undefined;

let root = '';
afterAll(() => {
  if (root) fs.rmSync(root, { recursive: true, force: true });
});

describe.skipIf(slurmRuns)(`a killed shard resumes${slurmRuns ? ' (skipped: slurm.test.ts kills and resubmits a shard through Slurm here)' : ''}`, () => {
  it('SIGKILL after the first run record, restart: finished runs are skipped, not rerun', async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'dive-resume-'));
    const out = path.join(root, 'results');
    fs.mkdirSync(path.join(root, 'empty-data'));
    // Array task 1 of --array=0-1: shard 2/2 (SHARD2_RUNS of the plan's runs).
    const env = { ...process.env, DIVE_DATA_DIR: path.join(root, 'empty-data'), SLURM_ARRAY_TASK_ID: '1', SLURM_ARRAY_TASK_COUNT: '2', SLURM_ARRAY_TASK_MIN: '0' };
    const args = ['reproduce', ...QUICK_REPRO, '--out', out, '--shard', 'auto', '--json'];

    const first = startDive(args, env);
    const atKill = await until('the first run record', 120_000, () => {
      const r = records(out);
      return r.size > 0 ? r : undefined;
    });
    first.child.kill('SIGKILL');
    const killed = await first.done;
    expect(killed.signal).toBe('SIGKILL');
    expect(killed.stderr).toMatch(/shard 2\/2 from SLURM_ARRAY_TASK_ID=1 \(base 0\), count 2 from SLURM_ARRAY_TASK_COUNT/);
    const kept = records(out); // a record may have landed between the poll and the kill
    expect(kept.size).toBeGreaterThanOrEqual(atKill.size);
    expect(kept.size).toBeLessThan(SHARD2_RUNS); // killed mid-shard, not after it

    const second = await startDive(args, env).done;
    expect(second.code, second.stderr).toBe(0);
    const report = JSON.parse(second.stdout) as { selected: number; skipped: string[]; ran: string[]; failed: unknown[] };
    expect(report.selected).toBe(SHARD2_RUNS);
    expect(report.failed).toEqual([]);
    expect(report.skipped.map((id) => `${id}.json`).sort()).toEqual([...kept.keys()].sort());
    expect(report.ran).toHaveLength(SHARD2_RUNS - kept.size);
    expect(report.ran.some((id) => report.skipped.includes(id))).toBe(false);
    expect(second.stderr).toMatch(new RegExp(`${kept.size} already finished \\(skipped\\), ${SHARD2_RUNS - kept.size} to run`));

    console.log(`resume: SIGKILL with ${kept.size}/${SHARD2_RUNS} runs of the shard finished; the restart skipped ${report.skipped.length}, ran ${report.ran.length}`);
    const after = records(out);
    expect(after.size).toBe(SHARD2_RUNS);
    for (const [name, r] of kept) expect(after.get(name), `${name} rewritten`).toEqual(r); // same inode, same bytes
  }, 240_000);
});
