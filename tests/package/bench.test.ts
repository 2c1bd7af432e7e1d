/**
 * The scripts in bench/ load the built modules by path (`require(path.join(dist, …))`), which no
 * compiler checks: when a module moves, a script breaks silently until someone runs it (it
 * happened to bench/reproduction-time.js when lib/experiments became lib/study). This test
 * resolves every such path against the build `npm test` has just made, and runs the one script
 * whose answer the committed quick reproduction fixes.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../lib/util/repo';

const root = repoRoot();
const benchDir = path.join(root, 'bench');
const scripts = fs.readdirSync(benchDir).filter((f) => f.endsWith('.js'));

/** The quoted string arguments of a `path.join(…)` call, e.g. `'..', 'dist', 'lib'`. */
const parts = (args: string): string[] => [...args.matchAll(/'([^']*)'/g)].map((m) => m[1]);

describe('bench scripts', () => {
  it.each(scripts)('%s: every built module it requires exists', (file) => {
    const src = fs.readFileSync(path.join(benchDir, file), 'utf8');
    const dist = /const dist = path\.join\(__dirname, ([^)]*)\)/.exec(src);
    const requires = [...src.matchAll(/require\(path\.join\(dist, ([^)]*)\)\)/g)].map((m) => parts(m[1]));
    if (!dist) {
      expect(requires).toEqual([]);
      return;
    }
    const base = path.join(benchDir, ...parts(dist[1]));
    expect(requires.length).toBeGreaterThan(0);
    const missing = requires.map((p) => path.join(base, ...p)).filter((m) => {
      try {
        require.resolve(m);
        return false;
      } catch {
        return true;
      }
    });
    expect(missing.map((m) => path.relative(root, m))).toEqual([]);
  });

  it('reproduction-time.js accounts for every run of the committed quick reproduction', () => {
    const out = execFileSync(process.execPath, [path.join(benchDir, 'reproduction-time.js'), path.join(root, 'docs', 'results', 'quick')], { encoding: 'utf8' });
    const finished = /finished (\d+) of (\d+) runs/.exec(out);
    expect(finished).not.toBeNull();
    expect(Number(finished![1])).toBeGreaterThan(0);
    expect(finished![1]).toBe(finished![2]);
    expect(out).toMatch(/^complete: /m);
    expect(out).not.toMatch(/belong to no run of this plan/);
  });
});
