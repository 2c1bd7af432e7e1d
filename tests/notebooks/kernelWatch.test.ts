/**
 * Why notebook kernels died during full test runs (`DeadKernelError: Kernel died`, the kernel's
 * last words `Unexpected pending rebuildTimer`), and that the way tests copy packages now
 * leaves a running kernel alone.
 *
 * tslab compiles each cell with a TypeScript watch program that watches every file it read:
 * node_modules' `.d.ts` and `package.json` files included. tslab's converter keeps ONE pending
 * timer and throws when TypeScript asks for a second; TypeScript asks for two when a watched
 * `package.json` (failed-lookup invalidation) and a watched `.d.ts` (program update) change
 * between two cells. tests/package/install.test.ts used to hard-link (`cp -al`) this
 * repository's node_modules into a temporary project: every new link changes the inode's link
 * count, inotify reports it as a change of the watched file, and any notebook another test
 * file was executing at that moment lost its kernel. Here a real tslab converter runs in a
 * child process, in a private project whose one package (`mini`: a package.json, a .d.ts, a .js)
 * its cell imports; then that package is mirrored elsewhere, and the child converts one more
 * cell. The test never links the repository's own node_modules: hard-linking those files would
 * kill every kernel another test file is running (it once did, from this very test).
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../../lib/notebooks/paths';
import { mirrorPackage } from '../package/mirror';

const root = repoRoot();
const CHILD = `
const { createConverter } = require(${JSON.stringify(path.join(root, 'node_modules', 'tslab', 'dist', 'converter.js'))});
process.on('uncaughtException', (e) => { console.log('DIED ' + e.message); process.exit(3); });
const c = createConverter();
const first = c.convert('', "import { one } from 'mini';\\nconst t = one + 1;\\n");
if (first.diagnostics.length) { console.log('DIAG ' + JSON.stringify(first.diagnostics[0].messageText)); process.exit(4); }
console.log('READY');
process.stdin.once('data', () => {
  c.convert(first.declOutput || '', 'const u = 2;');
  console.log('ALIVE');
  c.close();
  process.exit(0);
});
`;

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dive-kernelwatch-'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** A private project with one small package, `mini`, in its node_modules (real files). */
function project(name: string): string {
  const dir = path.join(tmp, name);
  const pkg = path.join(dir, 'node_modules', 'mini');
  fs.mkdirSync(pkg, { recursive: true });
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: `kernelwatch-${name}`, private: true }));
  fs.writeFileSync(path.join(pkg, 'package.json'), JSON.stringify({ name: 'mini', version: '1.0.0', main: 'index.js', types: 'index.d.ts' }));
  fs.writeFileSync(path.join(pkg, 'index.d.ts'), 'export declare const one: number;\n');
  fs.writeFileSync(path.join(pkg, 'index.js'), 'exports.one = 1;\n');
  return dir;
}

/** Start the converter in a private project, mirror its package with `how`, let inotify deliver, convert again. */
async function survives(how: 'symlink' | 'hardlink'): Promise<{ code: number | null; out: string }> {
  const cwd = project(how);
  const child = spawn(process.execPath, ['-e', CHILD], { cwd, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (out += d));
  const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
  const deadline = Date.now() + 60_000;
  while (!out.includes('READY') && child.exitCode === null && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  if (!out.includes('READY')) {
    child.kill();
    throw new Error(`the converter did not start: ${out}`);
  }
  mirrorPackage(path.join(cwd, 'node_modules', 'mini'), path.join(tmp, `${how}-mirror`, 'node_modules', 'mini'), how);
  await new Promise((r) => setTimeout(r, 1500)); // inotify events arrive asynchronously
  if (child.exitCode === null) child.stdin.write('go\n');
  const code = await closed;
  return { code, out };
}

describe("a tslab kernel's file watchers while tests copy packages", () => {
  it('survive a mirror made of symbolic links (what tests/package/install.test.ts does)', async () => {
    const r = await survives('symlink');
    expect(r.out).toContain('ALIVE');
    expect(r.code).toBe(0);
  }, 120_000);

  it('die from a mirror made of hard links (the cause of the kernel deaths in full test runs)', async () => {
    const r = await survives('hardlink');
    expect(r.out).toMatch(/DIED Unexpected pending rebuildTimer/);
    expect(r.code).toBe(3);
  }, 120_000);
});
