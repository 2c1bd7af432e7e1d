/** `--shard auto` from the scheduler's environment, and plan.json shared by shards. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isAutoShard, resolveAutoShard } from '../../lib/cluster/shardEnv';
import { chooseAll } from '../../lib/study/run/dataChoice';
import { expandPlan, shardRuns, type PlanInputs } from '../../lib/study/run/plan';
import { TINY } from '../../lib/study/spec/protocol';
import { claimPlanInputs, planPath } from '../../lib/study/run/store';
import { UserError } from '../../lib/util/errors';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'dive-shardenv-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

const shard = (text: string, env: Record<string, string>): string => {
  const r = resolveAutoShard(text, env);
  return `${r.shard.index}/${r.shard.count}`;
};

describe('resolveAutoShard', () => {
  it('Slurm: task id minus the array minimum (and step), count from the array or the command line', () => {
    // #SBATCH --array=0-3
    expect([0, 1, 2, 3].map((i) => shard('auto', { SLURM_ARRAY_TASK_ID: `${i}`, SLURM_ARRAY_TASK_COUNT: '4', SLURM_ARRAY_TASK_MIN: '0' }))).toEqual(['1/4', '2/4', '3/4', '4/4']);
    // #SBATCH --array=1-8: the MIN offset
    expect(shard('auto', { SLURM_ARRAY_TASK_ID: '1', SLURM_ARRAY_TASK_COUNT: '8', SLURM_ARRAY_TASK_MIN: '1' })).toBe('1/8');
    expect(shard('auto', { SLURM_ARRAY_TASK_ID: '8', SLURM_ARRAY_TASK_COUNT: '8', SLURM_ARRAY_TASK_MIN: '1' })).toBe('8/8');
    // #SBATCH --array=10-16:2 (10, 12, 14, 16)
    const step = { SLURM_ARRAY_TASK_COUNT: '4', SLURM_ARRAY_TASK_MIN: '10', SLURM_ARRAY_TASK_STEP: '2' };
    expect([10, 12, 14, 16].map((i) => shard('auto', { ...step, SLURM_ARRAY_TASK_ID: `${i}` }))).toEqual(['1/4', '2/4', '3/4', '4/4']);
    // A resubmission of index 3 of the generated script (sbatch --array=3): its own array is 3-3,
    // but DIVE_SHARD_BASE=0 and auto/8 keep it shard 4 of 8.
    const resub = { SLURM_ARRAY_TASK_ID: '3', SLURM_ARRAY_TASK_COUNT: '1', SLURM_ARRAY_TASK_MIN: '3', DIVE_SHARD_BASE: '0' };
    expect(shard('auto/8', resub)).toBe('4/8');
    expect(shard('auto', { ...resub, DIVE_SHARD_BASE: '' })).toBe('1/1'); // what the array's own numbers would say
    expect(resolveAutoShard('auto/8', resub).source).toMatch(/SLURM_ARRAY_TASK_ID=3 \(base 0 from DIVE_SHARD_BASE\), count 8 from --shard auto\/N/);
  });

  it('Kubernetes Indexed Job: JOB_COMPLETION_INDEX + 1, count from auto/N', () => {
    expect([0, 1, 2].map((i) => shard('auto/3', { JOB_COMPLETION_INDEX: `${i}` }))).toEqual(['1/3', '2/3', '3/3']);
  });

  it('refuses what it cannot resolve, naming the variable and the fix', () => {
    const bad: [string, Record<string, string>, RegExp][] = [
      ['auto', {}, /needs SLURM_ARRAY_TASK_ID .* or JOB_COMPLETION_INDEX .*pass --shard K\/N/],
      ['auto', { JOB_COMPLETION_INDEX: '0' }, /pass --shard auto\/N with N = the Job's completions/],
      ['auto/2', { JOB_COMPLETION_INDEX: '0', SLURM_ARRAY_TASK_ID: '0' }, /both SLURM_ARRAY_TASK_ID and JOB_COMPLETION_INDEX/],
      ['auto/2', { JOB_COMPLETION_INDEX: '2' }, /shard 3 of 2/],
      ['auto', { SLURM_ARRAY_TASK_ID: 'x', SLURM_ARRAY_TASK_COUNT: '2' }, /SLURM_ARRAY_TASK_ID must be a whole number/],
      ['auto', { SLURM_ARRAY_TASK_ID: '3' }, /no SLURM_ARRAY_TASK_COUNT; pass the shard count as --shard auto\/N/],
      ['auto', { SLURM_ARRAY_TASK_ID: '11', SLURM_ARRAY_TASK_COUNT: '4', SLURM_ARRAY_TASK_MIN: '10', SLURM_ARRAY_TASK_STEP: '2' }, /not base 10 plus a multiple of step 2/],
      ['auto', { SLURM_ARRAY_TASK_ID: '7', SLURM_ARRAY_TASK_COUNT: '3', SLURM_ARRAY_TASK_MIN: '1' }, /shard 7 of 3/], // --array=1,3,7
      ['auto/0', { JOB_COMPLETION_INDEX: '0' }, /N ≥ 1/],
      ['autox', {}, /--shard must be K\/N, auto or auto\/N/],
    ];
    for (const [text, env, msg] of bad) {
      let err: unknown;
      try {
        resolveAutoShard(text, env);
      } catch (e) {
        err = e;
      }
      expect(err, `${text} ${JSON.stringify(env)}`).toBeInstanceOf(UserError);
      expect((err as Error).message).toMatch(msg);
    }
    expect(isAutoShard('auto')).toBe(true);
    expect(isAutoShard('auto/4')).toBe(true);
    expect(isAutoShard('1/4')).toBe(false);
  });

  it('every array index of an N-shard job is a different shard, and together they cover the plan', () => {
    const runs = expandPlan({ protocol: TINY, only: [], choices: chooseAll(() => false) }).runs;
    for (const n of [1, 3, 7]) {
      const seen = new Map<string, number>();
      for (let i = 0; i < n; i++) {
        const s = resolveAutoShard(`auto/${n}`, { SLURM_ARRAY_TASK_ID: `${i}`, DIVE_SHARD_BASE: '0' }).shard;
        for (const r of shardRuns(runs, s)) seen.set(r.id, (seen.get(r.id) ?? 0) + 1);
      }
      expect(seen.size).toBe(runs.length);
      expect([...seen.values()].every((c) => c === 1)).toBe(true);
    }
  });
});

describe('claimPlanInputs (plan.json in a folder the shards share)', () => {
  const inputs: PlanInputs = { protocol: TINY, only: ['gait'], choices: chooseAll(() => false) };
  it('the first shard creates plan.json, the others only compare; a different plan is refused', () => {
    const dir = path.join(root, 'shared');
    expect(claimPlanInputs(dir, inputs)).toBe('created');
    const before = fs.statSync(planPath(dir));
    expect(claimPlanInputs(dir, inputs)).toBe('same');
    expect(fs.statSync(planPath(dir)).ino).toBe(before.ino); // not rewritten
    expect(fs.readdirSync(dir)).toEqual(['plan.json']); // no temporary file left
    expect(() => claimPlanInputs(dir, { ...inputs, only: ['electricity'] })).toThrow(/holds a different plan .* its own --out folder/);
  });
});
