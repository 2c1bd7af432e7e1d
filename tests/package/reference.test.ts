/**
 * docs/reference/ is the API reference typedoc writes from lib/'s doc comments (`npm run docs`).
 * It is committed, so it goes stale silently when a doc comment changes and nobody reruns the
 * command; and typedoc's warnings (a comment it reads as a broken link) went unseen. This test
 * regenerates the reference into a temporary folder, with warnings as errors, and compares it
 * with the committed one file by file.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../../lib/util/repo';

const root = repoRoot();
const out = fs.mkdtempSync(path.join(os.tmpdir(), 'dive-reference-'));
afterAll(() => fs.rmSync(out, { recursive: true, force: true }));

function files(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => fs.statSync(path.join(dir, f)).isFile()).sort();
}

describe('API reference', () => {
  it('docs/reference is what `npm run docs` writes today, without warnings', () => {
    execFileSync(process.execPath, [path.join(root, 'node_modules', 'typedoc', 'bin', 'typedoc'), '--out', out, '--treatWarningsAsErrors'], { cwd: root, encoding: 'utf8', stdio: 'pipe' });
    const committed = path.join(root, 'docs', 'reference');
    expect(files(out)).toEqual(files(committed));
    const stale = files(out).filter((f) => fs.readFileSync(path.join(out, f), 'utf8') !== fs.readFileSync(path.join(committed, f), 'utf8'));
    expect(stale, 'run `npm run docs` and commit docs/reference').toEqual([]);
  }, 120_000);
});
