/**
 * Notebooks in the repository import 'divelab' exactly as notebooks elsewhere do: Node resolves
 * it by package self-reference, tslab's TypeScript (node10 resolution) through
 * notebooks/node_modules/divelab, which ensureSelfLink maintains.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureSelfLink, selfLinkPath } from '../../lib/notebooks/selfLink';
import { notebooksDir, repoRoot } from '../../lib/notebooks/paths';
import { UserError } from '../../lib/util/errors';

let fake: string;
beforeAll(() => {
  fake = fs.mkdtempSync(path.join(os.tmpdir(), 'dive-selflink-'));
  fs.writeFileSync(path.join(fake, 'package.json'), JSON.stringify({ name: 'divelab' }));
});
afterAll(() => fs.rmSync(fake, { recursive: true, force: true }));

describe('ensureSelfLink', () => {
  it('links notebooks/node_modules/divelab to the project, relatively, and is idempotent', () => {
    const link = ensureSelfLink(fake);
    expect(link).toBe(path.join(fake, 'notebooks', 'node_modules', 'divelab'));
    expect(fs.readlinkSync(link)).toBe(path.join('..', '..'));
    expect(fs.realpathSync(link)).toBe(fs.realpathSync(fake));
    expect(ensureSelfLink(fake)).toBe(link);
    expect(fs.readdirSync(path.dirname(link))).toEqual(['divelab']); // no temporary links left
  });

  it('replaces a dangling link, and refuses to shadow a separate copy of divelab', () => {
    const link = selfLinkPath(fake);
    fs.rmSync(link);
    fs.symlinkSync(path.join(fake, 'gone'), link);
    ensureSelfLink(fake);
    expect(fs.realpathSync(link)).toBe(fs.realpathSync(fake));
    fs.rmSync(link);
    fs.mkdirSync(link);
    expect(() => ensureSelfLink(fake)).toThrow(UserError);
    expect(() => ensureSelfLink(fake)).toThrow(/is a separate copy of divelab.*remove it/);
    fs.rmSync(link, { recursive: true });
  });
});

describe("'divelab' from the repository's notebooks folder", () => {
  it('resolves at run time to the compiled entry point (package self-reference)', () => {
    expect(require.resolve('divelab', { paths: [notebooksDir()] })).toBe(path.join(repoRoot(), 'dist', 'lib', 'index.js'));
  });

  it("resolves for tslab's type checker (node10 resolution) to the compiled declarations", () => {
    ensureSelfLink();
    const options: ts.CompilerOptions = { module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Node10 };
    const r = ts.resolveModuleName('divelab', path.join(notebooksDir(), 'cell.ts'), options, ts.sys);
    expect(r.resolvedModule?.resolvedFileName).toBe(path.join(repoRoot(), 'dist', 'lib', 'index.d.ts'));
    // Without the link, node10 resolution finds nothing: the link is what makes it work.
    const elsewhere = ts.resolveModuleName('divelab', path.join(fake, 'cell.ts'), options, ts.sys);
    expect(elsewhere.resolvedModule).toBeUndefined();
  });
});
