/** Sharded reproduction + `dive merge` equals the unsharded reproduction, byte for byte (tables). */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../lib/cli/main';
import { mergeResults } from '../../lib/study/merge';
import { TINY } from '../../lib/study/spec/protocol';
import type { Protocol } from '../../lib/study/spec/types';
import { reproduce } from '../../lib/study/reproduce';
import { writePlanInputs, readPlanInputs } from '../../lib/study/run/store';
import { capture } from '../io';

const none = (): boolean => false;
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'dive-merge-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

function tables(dir: string): Record<string, string> {
  const d = path.join(dir, 'tables');
  return Object.fromEntries(fs.readdirSync(d).sort().map((f) => [f, fs.readFileSync(path.join(d, f), 'utf8')]));
}

describe('shards and dive merge', () => {
  it('two shards merged give the same tables as one unsharded run', async () => {
    const only = ['ablation-training'];
    const whole = path.join(root, 'whole');
    const s1 = path.join(root, 's1');
    const s2 = path.join(root, 's2');
    const full = await reproduce({ out: whole, protocol: TINY, only, available: none, images: false });
    const a = await reproduce({ out: s1, protocol: TINY, only, available: none, images: false, shard: { index: 1, count: 2 } });
    const b = await reproduce({ out: s2, protocol: TINY, only, available: none, images: false, shard: { index: 2, count: 2 } });
    expect(a.outputs).toBeUndefined();
    expect(a.ran.length + b.ran.length).toBe(full.ran.length);
    expect(new Set([...a.ran, ...b.ran])).toEqual(new Set(full.ran));
    const merged = path.join(root, 'merged');
    const report = await mergeResults([s1, s2], merged, { images: false });
    expect(report.merged).toBe(full.planned);
    expect(report.outputs.missingRuns).toEqual([]);
    const want = tables(whole);
    expect(Object.keys(want)).toEqual(['ablation-training.csv', 'ablation-training.md']);
    expect(tables(merged)).toEqual(want);
    // The training ablation reports the gradient cosine of both modes.
    expect(want['ablation-training.md']).toMatch(/\| joint \(all terms, all variables\) \|.*\| -?\d\.\d{3} ± \d\.\d{3} \|/);

    // One shard alone: tables say which runs are missing.
    const partial = await mergeResults([s1], path.join(root, 'partial'), { images: false });
    expect(partial.outputs.missingRuns.length).toBe(b.ran.length);
    expect(fs.readFileSync(path.join(root, 'partial', 'tables', 'ablation-training.md'), 'utf8')).toMatch(/\[1\/2 runs\]/);

    // Via the CLI, into a fresh folder.
    const io = capture();
    expect(await main(['merge', s2, s1, '--out', path.join(root, 'cli'), '--html-only'], io)).toBe(0);
    expect(tables(path.join(root, 'cli'))).toEqual(want);

    // Folders of different plans are refused.
    const other = path.join(root, 'other');
    writePlanInputs(other, { ...readPlanInputs(s1), only: ['gait'] });
    const bad = capture();
    expect(await main(['merge', s1, other, '--out', path.join(root, 'x')], bad)).toBe(2);
    expect(bad.stderr[0]).toMatch(/plan\.json differs/);
  });

  it('with a tuning stage, the tables a merge makes from plan.json equal the reproduction\'s own', async () => {
    // plan.json stores the search spaces and the chosen configurations with sorted keys; the
    // tuning notes must not depend on that order (they once listed the keys as declared).
    const protocol: Protocol = { ...TINY, tuning: { budget: 2, seeds: 1, epochs: 1, maxWindows: { train: 32, val: 16, test: 0 }, searchSeed: 0 } };
    const whole = path.join(root, 'tuned');
    await reproduce({ out: whole, protocol, only: ['tune', 'ablation-fusion'], available: none, images: false });
    const want = tables(whole);
    expect(want['ablation-fusion.md']).toMatch(/Tuned configurations: DeepDIVE: space aDim ∈ .*chosen trial \d/);
    const merged = path.join(root, 'tuned-merged');
    await mergeResults([whole], merged, { images: false });
    expect(tables(merged)).toEqual(want);
  });

  it('CLI: help, unknown experiment, missing folder', async () => {
    const io = capture();
    expect(await main(['reproduce', '--help'], io)).toBe(0);
    expect(io.stdout.join('\n')).toMatch(/--shard K\/N/);
    const bad = capture();
    expect(await main(['reproduce', '--only', 'nope', '--out', path.join(root, 'y')], bad)).toBe(2);
    expect(bad.stderr[0]).toMatch(/unknown experiment 'nope'/);
    const missing = capture();
    expect(await main(['merge', path.join(root, 'does-not-exist')], missing)).toBe(2);
    expect(missing.stderr[0]).toMatch(/plan\.json not found/);
  });
});
