/**
 * The repository cites only itself: no file names the notes outside it (cite docs/paper.md)
 * or a path of one machine. The same check as the grep for the sibling notes folder and the work folder, over every
 * file git tracks or would add (ignored files such as node_modules/ and dist/ excluded).
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../lib/util/repo';

// Built from parts, so that this file does not match itself.
const FORBIDDEN = new RegExp(['shared', 'paper'].join('/') + '|' + ['', 'work', ''].join('/'));

function repositoryFiles(root: string): string[] {
  const list = (args: string[]): string[] => execFileSync('git', ['ls-files', '-z', ...args], { cwd: root, encoding: 'utf8', maxBuffer: 64 << 20 }).split('\0').filter(Boolean);
  return [...new Set([...list([]), ...list(['--others', '--exclude-standard'])])].filter((f) => fs.existsSync(path.join(root, f)) && fs.statSync(path.join(root, f)).isFile());
}

describe('paths in the repository', () => {
  it('no file cites notes outside the repository or a machine path', () => {
    const root = repoRoot();
    const files = repositoryFiles(root);
    expect(files.length).toBeGreaterThan(100);
    expect(files).toContain('docs/paper.md');
    const hits: string[] = [];
    for (const f of files) {
      const buf = fs.readFileSync(path.join(root, f));
      if (buf.includes(0)) continue; // binary
      buf.toString('utf8').split('\n').forEach((line, i) => {
        if (FORBIDDEN.test(line)) hits.push(`${f}:${i + 1}: ${line.trim().slice(0, 120)}`);
      });
    }
    expect(hits, 'cite docs/paper.md (with § or equation label) instead').toEqual([]);
  });
});
