/**
 * The layering of lib/ (docs/architecture.md) is enforced by dependency-cruiser in `npm test`;
 * these tests show that the rules catch what they are for (a back-import, a circle) on a small
 * fixture tree, and that lib/ itself passes.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '..');
const cli = path.join(root, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs');
const config = path.join(root, '.dependency-cruiser.cjs');

function cruise(cwd: string, roots: readonly string[] = ['lib']): { code: number; out: string } {
  try {
    const out = execFileSync(process.execPath, [cli, ...roots, '--config', config, '--output-type', 'err'], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return { code: 0, out };
  } catch (e) {
    const err = e as { status: number; stdout: string; stderr: string };
    return { code: err.status, out: `${err.stdout}${err.stderr}` };
  }
}

function fixture(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dive-layers-'));
  fs.writeFileSync(path.join(dir, 'tsconfig.build.json'), JSON.stringify({ compilerOptions: { module: 'commonjs', target: 'es2022' }, include: ['lib/**/*.ts'] }));
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

describe('layering checker', () => {
  it('passes on lib/ and the speed lab as they are', () => {
    const r = cruise(root, ['lib', 'packages/speedlab/src']);
    expect(r.out).toContain('no dependency violations');
    expect(r.code).toBe(0);
  }, 60_000);

  it('rejects an import from a lower room to a higher one', () => {
    const dir = fixture({
      'lib/models/net.ts': "export const width = 4;\n",
      'lib/data/loader.ts': "import { width } from '../models/net';\nexport const rows = width * 2;\n",
    });
    try {
      const r = cruise(dir);
      expect(r.code).not.toBe(0);
      expect(r.out).toMatch(/layer-data: lib\/data\/loader\.ts → lib\/models\/net\.ts/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('rejects a static import of the speed lab from lib/', () => {
    const dir = fixture({
      'packages/speedlab/src/k.ts': 'export const k = 1;\n',
      'lib/models/m.ts': "import { k } from '../../packages/speedlab/src/k';\nexport const m = k;\n",
    });
    try {
      const r = cruise(dir, ['lib', 'packages/speedlab/src']);
      expect(r.code).not.toBe(0);
      expect(r.out).toMatch(/no-static-speedlab: lib\/models\/m\.ts → packages\/speedlab\/src\/k\.ts/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('rejects a circle inside one room and an import between siblings', () => {
    const dir = fixture({
      'lib/study/run/a.ts': "import { b } from './b';\nexport const a = (): number => b() + 1;\n",
      'lib/study/run/b.ts': "import { a } from './a';\nexport const b = (): number => (a as unknown as number) && 0;\n",
      'lib/backend/x.ts': "import { d } from '../data/d';\nexport const x = d;\n",
      'lib/data/d.ts': 'export const d = 1;\n',
    });
    try {
      const r = cruise(dir);
      expect(r.code).not.toBe(0);
      expect(r.out).toContain('no-circular');
      expect(r.out).toMatch(/sibling-backend-data: lib\/backend\/x\.ts → lib\/data\/d\.ts/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
