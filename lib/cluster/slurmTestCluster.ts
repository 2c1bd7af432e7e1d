/**
 * A throw-away single-node Slurm cluster on this machine, for the tests (tests/cluster/slurm.test.ts):
 * munged, slurmctld and slurmd from Debian's packages, run in the foreground as root, every file
 * (slurm.conf, munge key and socket, pid, log, state and spool) in one temporary folder, on free
 * ports. Client commands reach it through `env` (SLURM_CONF). `stop()` cancels what is left in
 * the queue, ends the three daemons it started by pid (SIGTERM, then SIGKILL), checks that they
 * are gone and removes the folder.
 *
 * Configuration (the smallest that runs array jobs in a container): SlurmUser=root,
 * ProctrackType=proctrack/linuxproc, TaskPlugin=task/none (no cgroups), select/cons_tres with
 * CR_Core, no accounting, one partition `debug` with this machine as the only node.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

const BINARIES = ['munged', 'slurmctld', 'slurmd', 'sbatch', 'squeue', 'sinfo', 'scontrol', 'scancel'] as const;

/** Why this machine cannot run the test cluster, or undefined when it can. */
export function slurmUnavailableReason(): string | undefined {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return 'not root: a private munged/slurmctld/slurmd needs root (CI runs as root)';
  const missing = BINARIES.filter((b) => spawnSync('sh', ['-c', `command -v ${b}`], { encoding: 'utf8' }).status !== 0);
  if (missing.length) return `Slurm not installed (missing ${missing.join(', ')}): apt-get install slurmctld slurmd slurm-client munge (.ci/run does)`;
  return undefined;
}

export interface SlurmTestCluster {
  /** The temporary folder holding every file of the cluster. */
  readonly dir: string;
  /** Environment for client commands (sbatch, squeue, …): process.env plus SLURM_CONF. */
  readonly env: NodeJS.ProcessEnv;
  readonly nodeName: string;
  /** pids of munged, slurmctld, slurmd. */
  readonly pids: readonly number[];
  /** Run a client command; throws with its stderr on failure. */
  run(cmd: string, args: readonly string[], extraEnv?: NodeJS.ProcessEnv): string;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Whether a process with this pid exists (signal 0). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitFor<T>(what: string, timeoutMs: number, probe: () => T | undefined, logs: () => string): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error(`test Slurm cluster: timed out after ${timeoutMs} ms waiting for ${what}\n${logs()}`);
    await sleep(200);
  }
}

export async function startSlurmTestCluster(options: { readonly timeoutMs?: number } = {}): Promise<SlurmTestCluster> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dive-slurm-'));
  fs.chmodSync(dir, 0o700);
  for (const d of ['munge', 'state', 'spool']) fs.mkdirSync(path.join(dir, d), { mode: 0o700 });
  const f = (name: string): string => path.join(dir, name);
  const key = f('munge/munge.key');
  fs.writeFileSync(key, randomBytes(1024), { mode: 0o400 });
  const socket = f('munge/munge.socket');
  const nodeName = os.hostname().split('.')[0];
  const [ctldPort, slurmdPort] = [await freePort(), await freePort()];
  const cpus = os.cpus().length;
  const memMiB = Math.max(256, Math.floor(os.totalmem() / 2 ** 20) - 1024);
  const conf = f('slurm.conf');
  fs.writeFileSync(
    conf,
    [
      'ClusterName=divetest',
      `SlurmctldHost=${nodeName}(127.0.0.1)`,
      'SlurmUser=root',
      'SlurmdUser=root',
      `SlurmctldPort=${ctldPort}`,
      `SlurmdPort=${slurmdPort}`,
      'AuthType=auth/munge',
      'CredType=cred/munge',
      `AuthInfo=socket=${socket}`,
      'MpiDefault=none',
      'ProctrackType=proctrack/linuxproc',
      'TaskPlugin=task/none',
      'SelectType=select/cons_tres',
      'SelectTypeParameters=CR_Core',
      'SchedulerType=sched/backfill',
      'ReturnToService=2',
      'AccountingStorageType=accounting_storage/none',
      'JobCompType=jobcomp/none',
      'JobAcctGatherType=jobacct_gather/none',
      'MailProg=/bin/true',
      `StateSaveLocation=${f('state')}`,
      `SlurmdSpoolDir=${f('spool')}`,
      `SlurmctldPidFile=${f('slurmctld.pid')}`,
      `SlurmdPidFile=${f('slurmd.pid')}`,
      `SlurmctldLogFile=${f('slurmctld.log')}`,
      `SlurmdLogFile=${f('slurmd.log')}`,
      'SlurmctldDebug=info',
      'SlurmdDebug=info',
      `NodeName=${nodeName} NodeAddr=127.0.0.1 CPUs=${cpus} RealMemory=${memMiB} State=UNKNOWN`,
      'PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP',
      '',
    ].join('\n'),
  );
  const env: NodeJS.ProcessEnv = { ...process.env, SLURM_CONF: conf };
  const children: ChildProcess[] = [];
  const logs = (): string =>
    ['munged.log', 'slurmctld.log', 'slurmd.log', 'munged.out', 'slurmctld.out', 'slurmd.out']
      .map((n) => (fs.existsSync(f(n)) ? `--- ${n}\n${fs.readFileSync(f(n), 'utf8').split('\n').slice(-15).join('\n')}` : ''))
      .join('\n');
  const daemon = (name: string, cmd: string, args: string[]): void => {
    const out = fs.openSync(f(`${name}.out`), 'a');
    const child = spawn(cmd, args, { env, stdio: ['ignore', out, out] });
    fs.closeSync(out);
    children.push(child);
  };
  const run = (cmd: string, args: readonly string[], extraEnv: NodeJS.ProcessEnv = {}): string => {
    const r = spawnSync(cmd, args, { env: { ...env, ...extraEnv }, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status ?? r.signal}): ${r.stderr.trim() || r.stdout.trim()}`);
    return r.stdout;
  };
  const stop = async (): Promise<void> => {
    const live = children.filter((c) => c.pid !== undefined && alive(c.pid));
    if (live.length === 3) {
      const ids = spawnSync('squeue', ['-h', '-o', '%A'], { env, encoding: 'utf8' }).stdout.split(/\s+/).filter(Boolean);
      if (ids.length) spawnSync('scancel', ids, { env });
      // Steps still running belong to slurmd's children: give them a moment to finish.
      for (let i = 0; i < 50 && spawnSync('squeue', ['-h'], { env, encoding: 'utf8' }).stdout.trim(); i++) await sleep(200);
    }
    for (const c of [...children].reverse()) if (c.pid !== undefined && alive(c.pid)) c.kill('SIGTERM');
    for (let i = 0; i < 50 && children.some((c) => c.pid !== undefined && alive(c.pid) && c.exitCode === null && c.signalCode === null); i++) await sleep(100);
    for (const c of children) if (c.pid !== undefined && c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    for (let i = 0; i < 50 && children.some((c) => c.exitCode === null && c.signalCode === null); i++) await sleep(100);
    const left = children.filter((c) => c.exitCode === null && c.signalCode === null).map((c) => c.pid);
    if (left.length) throw new Error(`test Slurm cluster: daemons ${left.join(', ')} did not stop`);
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    daemon('munged', 'munged', ['--foreground', '--force', `--key-file=${key}`, `--socket=${socket}`, `--pid-file=${f('munge/munged.pid')}`, `--log-file=${f('munged.log')}`, `--seed-file=${f('munge/munged.seed')}`]);
    await waitFor('the munge socket', timeoutMs, () => (fs.existsSync(socket) ? true : undefined), logs);
    daemon('slurmctld', 'slurmctld', ['-D', '-f', conf]);
    await waitFor('slurmctld', timeoutMs, () => (spawnSync('scontrol', ['ping'], { env, encoding: 'utf8' }).stdout.includes('UP') ? true : undefined), logs);
    daemon('slurmd', 'slurmd', ['-D', '-N', nodeName, '-f', conf]);
    await waitFor(`node ${nodeName} idle`, timeoutMs, () => {
      const state = spawnSync('sinfo', ['-h', '-N', '-n', nodeName, '-o', '%T'], { env, encoding: 'utf8' }).stdout.trim();
      return /^idle/.test(state) ? state : undefined;
    }, logs);
  } catch (err) {
    await stop().catch(() => undefined);
    throw err;
  }
  return { dir, env, nodeName, pids: children.map((c) => c.pid as number), run, stop };
}
