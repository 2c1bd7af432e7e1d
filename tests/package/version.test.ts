/** One version, from package.json: `dive --version` and the library's VERSION agree with it. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../lib/cli/main';
import { VERSION } from '../../lib/index';
import { repoRoot } from '../../lib/util/repo';
import { capture } from '../io';

const version = (JSON.parse(fs.readFileSync(path.join(repoRoot(), 'package.json'), 'utf8')) as { version: string }).version;

describe('version', () => {
  it('dive --version prints the package.json version', async () => {
    expect(version).toMatch(/^\d+\.\d+\.\d+/);
    for (const flag of ['--version', '-V']) {
      const io = capture();
      expect(await main([flag], io)).toBe(0);
      expect(io.stdout).toEqual([`divelab ${version}`]);
    }
    const io = capture();
    expect(await main(['--version', '--json'], io)).toBe(0);
    expect(JSON.parse(io.stdout[0])).toEqual({ name: 'divelab', version });
  });

  it('dive --version with an argument is a one-line error, exit 2', async () => {
    const io = capture();
    expect(await main(['--version', 'train'], io)).toBe(2);
    expect(io.stderr).toEqual(["dive: --version takes no arguments except --json (got 'train')"]);
  });

  it('the library exports the same version', () => {
    expect(VERSION).toBe(version);
  });

  it('the changelog has a section for the current version and an Unreleased one', () => {
    const log = fs.readFileSync(path.join(repoRoot(), 'CHANGELOG.md'), 'utf8');
    expect(log).toMatch(/^## Unreleased$/m);
    expect(log).toContain(`\n## ${version}\n`);
  });
});
