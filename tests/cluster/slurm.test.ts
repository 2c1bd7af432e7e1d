/**
 * A sharded reproduction on a real Slurm scheduler (issue 15): a single-node cluster started
 * here (lib/cluster/slurmTestCluster.ts), the job files written by `dive jobs slurm`, submitted
 * with their own submit.sh. The array is SIGKILLed after its first run record, which also
 * cancels the dependent merge; resubmitted one array index at a time, the shards skip their
 * finished runs, the merge jobs run, and the tables equal an unsharded `dive reproduce` of the
 * same plan byte for byte.
 *
 * Needs root and Debian's slurmctld, slurmd, slurm-client and munge (.ci/run installs them);
 * elsewhere the suite says why it is skipped.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alive, slurmUnavailableReason, startSlurmTestCluster, type SlurmTestCluster } from '../../lib/cluster/slurmTestCluster';
import { QUICK_REPRO, QUICK_RUNS, records, startDive, tables, until } from './helpers';

const reason = slurmUnavailableReason();
if (reason) console.warn(`tests/cluster/slurm.test.ts skipped: ${reason}`);


describe.skipIf(reason !== undefined)(`a real Slurm cluster${reason ? ` (skipped: ${reason})` : ''}`, () => {
  let cluster: SlurmTestCluster | undefined;
  let root = '';
  beforeAll(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'dive-slurmtest-'));
    cluster = await startSlurmTestCluster();
  }, 90_000);
  afterAll(async () => {
    if (cluster) {
      const pids = cluster.pids;
      await cluster.stop();
      for (const pid of pids) expect(alive(pid), `daemon ${pid} still running`).toBe(false);
      expect(fs.existsSync(cluster.dir)).toBe(false);
    }
    if (root) fs.rmSync(root, { recursive: true, force: true });
  }, 60_000);

  /** Squeue no longer lists the job (finished, failed or cancelled). */
  const gone = (id: string): boolean => {
    const r = spawnSync('squeue', ['-h', '-j', id], { env: cluster?.env, encoding: 'utf8' });
    return r.status !== 0 || r.stdout.trim() === '';
  };
  const state = (id: string): string => /JobState=(\S+)/.exec(spawnSync('scontrol', ['show', 'job', '-o', id], { env: cluster?.env, encoding: 'utf8' }).stdout)?.[1] ?? 'UNKNOWN';

  it('array job from `dive jobs slurm`: killed, resubmitted (finished runs kept), merged = unsharded', async () => {
    const c = cluster as SlurmTestCluster;
    // An empty download cache: the data come from DIVE_DATA_MIRROR / ../shared/data as in the
    // rest of the suite, else the synthetic fallback — the same for every process either way.
    const data = path.join(root, 'empty-data');
    fs.mkdirSync(data);
    const env = { ...c.env, DIVE_DATA_DIR: data };
    const whole = path.join(root, 'whole');
    const out = path.join(root, 'sharded');
    const logs = path.join(out, 'logs');
    const showLogs = (): string => (fs.existsSync(logs) ? fs.readdirSync(logs).map((f) => `--- ${f}\n${fs.readFileSync(path.join(logs, f), 'utf8').slice(-2000)}`).join('\n') : 'no logs');

    // The reference: the same plan, unsharded, outside Slurm (runs while the array does).
    const unsharded = startDive(['reproduce', ...QUICK_REPRO, '--out', whole], env);

    const gen = await startDive(['jobs', 'slurm', '--shards', '2', '--out', out, '--name', 'dive-test', '--time', '00:20:00', '--mem', '1G', '--partition', 'debug', '--', ...QUICK_REPRO], env).done;
    expect(gen.code, gen.stderr).toBe(0);
    const submit = path.join(out, 'slurm', 'submit.sh');
    const ids = (text: string): [string, string] => {
      const m = /shard array: job (\d+) \(2 shards\), merge: job (\d+)/.exec(text);
      if (!m) throw new Error(`submit.sh printed no job ids: ${text}`);
      return [m[1], m[2]];
    };

    // 1. Submit; SIGKILL the array once the first run record has landed.
    const [array1, merge1] = ids(c.run('bash', [submit], { DIVE_DATA_DIR: data }));
    await until(`a first run record (${showLogs()})`, 150_000, () => (records(out).size > 0 ? true : undefined));
    c.run('scancel', ['--signal=KILL', '--full', array1]);
    await until(`array ${array1} and merge ${merge1} to leave the queue`, 60_000, () => (gone(array1) && gone(merge1) ? true : undefined));
    expect(state(merge1)).toBe('CANCELLED'); // afterok can no longer be met: --kill-on-invalid-dep
    expect(fs.existsSync(path.join(out, 'tables'))).toBe(false);
    const kept = records(out);
    expect(kept.size).toBeGreaterThan(0);
    expect(kept.size, 'the kill came after every run had finished').toBeLessThan(QUICK_RUNS);

    // 2. Resubmit one array index at a time, as a user redoing shards would (`submit.sh
    //    --array=I`): each is a one-task array whose own MIN/COUNT say "1 of 1", yet it must run
    //    shard I+1 of 2, skip that shard's finished runs, and queue a merge after it.
    const resubmitted: { task: number; array: string; merge: string }[] = [];
    for (const task of [1, 0]) {
      const [array, merge] = ids(c.run('bash', [submit, `--array=${task}`], { DIVE_DATA_DIR: data }));
      await until(`merge job ${merge} after shard ${task + 1}`, 200_000, () => (gone(merge) ? true : undefined));
      expect(state(merge), showLogs()).toBe('COMPLETED');
      resubmitted.push({ task, array, merge });
    }
    const ref = await unsharded.done;
    expect(ref.code, ref.stderr).toBe(0);

    // The last merge's tables (.md and .csv) equal the unsharded ones, byte for byte.
    const want = tables(whole);
    expect(Object.keys(want)).toEqual(expect.arrayContaining(['gait.csv', 'gait.md']));
    expect(tables(out)).toEqual(want);

    // Finished runs were not redone: same files (inode and bytes), and the shards' logs count them.
    const after = records(out);
    expect(after.size).toBe(QUICK_RUNS);
    for (const [name, r] of kept) expect(after.get(name), `${name} was rewritten`).toEqual(r);
    let done = 0;
    let skipped = 0;
    for (const { task, array } of resubmitted) {
      const log = fs.readFileSync(path.join(logs, `dive-test-${array}_${task}.out`), 'utf8');
      expect(log).toContain(`shard ${task + 1}/2 from SLURM_ARRAY_TASK_ID=${task} (base 0 from DIVE_SHARD_BASE), count 2 from --shard auto/N`);
      const m = /(\d+) run\(s\) done, (\d+) skipped \(already finished\), 0 failed/.exec(log);
      expect(m, log).not.toBeNull();
      done += Number(m?.[1]);
      skipped += Number(m?.[2]);
    }
    expect(skipped).toBe(kept.size);
    expect(done).toBe(QUICK_RUNS - kept.size);
    const last = resubmitted[resubmitted.length - 1];
    expect(fs.readFileSync(path.join(logs, `dive-test-merge-${last.merge}.out`), 'utf8')).toMatch(new RegExp(`${QUICK_RUNS} run\\(s\\) merged into ${out}; 0 planned run\\(s\\) missing`));
    console.log(`slurm: array ${array1} SIGKILLed with ${kept.size}/${QUICK_RUNS} runs finished; shards resubmitted one index at a time ran ${done}, skipped ${skipped}; merged tables equal the unsharded ones`);
  }, 420_000);

  it('a plan that tunes first: submit.sh runs the array twice (trials, then test runs), the merge misses nothing', async () => {
    const c = cluster as SlurmTestCluster;
    const out = path.join(root, 'tuned');
    const env = { ...c.env, DIVE_DATA_DIR: path.join(root, 'empty-data') };
    const gen = await startDive(['jobs', 'slurm', '--shards', '2', '--out', out, '--name', 'dive-tune', '--mem', '1G', '--partition', 'debug', '--', '--quick', '--only', 'tune,gait', '--seeds', '1', '--html-only'], env).done;
    expect(gen.code, gen.stderr).toBe(0);
    const sub = c.run('bash', [path.join(out, 'slurm', 'submit.sh')], { DIVE_DATA_DIR: env.DIVE_DATA_DIR });
    const m = /tuning pass: job (\d+)\nshard array: job (\d+) \(2 shards\), merge: job (\d+)/.exec(sub);
    expect(m, sub).not.toBeNull();
    const [tune, array, merge] = [m?.[1] ?? '', m?.[2] ?? '', m?.[3] ?? ''];
    await until(`merge job ${merge}`, 300_000, () => (gone(merge) ? true : undefined));
    const logs = path.join(out, 'logs');
    const read = (f: string): string => fs.readFileSync(path.join(logs, f), 'utf8');
    expect(state(merge), fs.readdirSync(logs).map((f) => `--- ${f}\n${read(f).slice(-1500)}`).join('\n')).toBe('COMPLETED');
    expect(state(tune)).toBe('COMPLETED');
    expect(state(array)).toBe('COMPLETED');
    expect(read(`dive-tune-merge-${merge}.out`)).toMatch(new RegExp(`${QUICK_RUNS} run\\(s\\) merged into ${out}; 0 planned run\\(s\\) missing`));
    // Across both passes each test run ran exactly once, and no trial ran twice.
    let testRuns = 0;
    for (const pass of [tune, array]) {
      for (const task of [0, 1]) {
        const log = read(`dive-tune-${pass}_${task}.out`);
        // A shard of the tuning pass whose partner's trials are still running stops after its own
        // trials (no test runs, and it says so); one that finds them all done goes on to its test runs.
        const ran = /(\d+) run\(s\) done, \d+ skipped/.exec(log);
        if (!ran) expect(log).toMatch(/tuning pass of this shard done/);
        testRuns += ran ? Number(ran[1]) : 0;
        if (pass === array) expect(log).toMatch(/tuning: 0 trial\(s\) done/);
      }
    }
    expect(testRuns).toBe(QUICK_RUNS);
  }, 420_000);
});
