/** Shared by the cluster tests: the compiled CLI as a child process, run records, tables. */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from '../../lib/util/repo';
import { expandPlan, shardRuns } from '../../lib/study/run/plan';
import { chooseAll } from '../../lib/study/run/dataChoice';
import { QUICK } from '../../lib/study/spec/protocol';

export const DIVE = path.join(repoRoot(), 'bin', 'dive.js');

/** The reproduction the cluster tests shard: the gait table's quick runs (4 models and the persistence bar), seconds each. */
export const QUICK_REPRO = ['--quick', '--only', 'gait', '--seeds', '1', '--html-only'] as const;
const QUICK_PLAN = expandPlan({ protocol: { ...QUICK, seeds: 1 }, only: ['gait'], choices: chooseAll(() => false) }).runs;
/** Its runs, from the plan (the data choice changes the data, not the count). */
export const QUICK_RUNS = QUICK_PLAN.length;
/** The runs shard 2 of 2 owns. */
export const SHARD2_RUNS = shardRuns(QUICK_PLAN, { index: 2, count: 2 }).length;

export interface Finished {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Start `node bin/dive.js ARGS` (the compiled CLI, as a user runs it). */
export function startDive(args: readonly string[], env: NodeJS.ProcessEnv): { child: ChildProcess; done: Promise<Finished> } {
  const child = spawn(process.execPath, [DIVE, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<Finished>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
  return { child, done };
}

/** Finished run records of a results folder: file name → inode and content. */
export function records(out: string): Map<string, { ino: number; text: string }> {
  const d = path.join(out, 'runs');
  const m = new Map<string, { ino: number; text: string }>();
  if (!fs.existsSync(d)) return m;
  for (const f of fs.readdirSync(d).sort()) {
    if (f.startsWith('.') || !f.endsWith('.json')) continue;
    const p = path.join(d, f);
    m.set(f, { ino: fs.statSync(p).ino, text: fs.readFileSync(p, 'utf8') });
  }
  return m;
}

/** Every table file (.md, .csv) of a results folder, by name. */
export function tables(out: string): Record<string, string> {
  const d = path.join(out, 'tables');
  return Object.fromEntries(fs.readdirSync(d).sort().map((f) => [f, fs.readFileSync(path.join(d, f), 'utf8')]));
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Poll until `probe` returns a value (every 50 ms), or throw after `ms`. */
export async function until<T>(what: string, ms: number, probe: () => T | undefined): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(50);
  }
}
