/**
 * Notebooks import the compiled library (`'divelab'` resolves to dist/lib/index.js with its
 * `.d.ts`: tslab cannot import `.ts` files outside the notebook folder). `ensureBuilt` compiles lib/
 * (`tsc -p tsconfig.build.json`, i.e. `npm run build`) when dist/ is missing or any
 * `lib/**.ts` is newer than its compiled `.js`, and rebuilds the browser bundle of explorable
 * figures (scripts/build-browser.js) when a source it bundles is newer than it.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { UserError } from '../util/errors';
import { browserBundlePath } from '../plot/explorable';
import { repoRoot } from './paths';

/** Source files under lib/ whose compiled `.js` in dist/lib is missing or older. */
export function staleSources(root = repoRoot()): string[] {
  const stale: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) {
        const rel = path.relative(root, full);
        const js = path.join(root, 'dist', rel.replace(/\.ts$/, '.js'));
        if (!fs.existsSync(js) || fs.statSync(js).mtimeMs < fs.statSync(full).mtimeMs) stale.push(rel);
      }
    }
  };
  walk(path.join(root, 'lib'));
  return stale;
}

export interface BuildResult {
  /** True when tsc ran. */
  built: boolean;
  /** Files that were out of date. */
  stale: string[];
  /** tsc's first diagnostic line when it reported errors (it still emits JS). */
  warning?: string;
}

/**
 * Compile lib/ if dist/ is out of date. tsc emits JavaScript even when some file has type
 * errors; that is reported as `warning` rather than thrown, so one file being edited does
 * not block every notebook. Throws only when tsc cannot run or emitted nothing.
 */
export function ensureBuilt(root = repoRoot()): BuildResult {
  if (staleSources(root).length === 0 && !bundleStale(root)) return { built: false, stale: [] };
  // One build at a time: concurrent `dive notebooks run`s (or test files) would otherwise
  // rewrite dist/ under each other's kernels.
  const release = acquireLock(path.join(root, 'dist', '.build.lock'));
  try {
    const stale = staleSources(root);
    const result = stale.length === 0 ? { built: false, stale } : compile(root, stale);
    if (bundleStale(root)) buildBrowserBundle(root);
    return result;
  } finally {
    release();
  }
}

/** The bundle builder, a source-checkout-only script (an installed package ships the built bundle). */
function bundleScript(root: string): string {
  return path.join(root, 'scripts', 'build-browser.js');
}

/**
 * Whether the browser bundle (dist/browser, lib/plot/explorable.ts) is missing or older than a
 * source file it bundles; false where the builder is absent (an installed package).
 */
export function bundleStale(root = repoRoot()): boolean {
  if (!fs.existsSync(bundleScript(root))) return false;
  const files = browserBundlePath(root);
  if (!fs.existsSync(files.bundle) || !fs.existsSync(files.manifest)) return true;
  const built = fs.statSync(files.bundle).mtimeMs;
  const { inputs } = JSON.parse(fs.readFileSync(files.manifest, 'utf8')) as { inputs: string[] };
  return inputs.some((f) => {
    const file = path.join(root, f);
    return !f.includes('node_modules/') && (!fs.existsSync(file) || fs.statSync(file).mtimeMs > built);
  });
}

/** `node scripts/build-browser.js` (esbuild, a few hundred ms), the last step of `npm run build`. */
function buildBrowserBundle(root: string): void {
  const r = spawnSync(process.execPath, [bundleScript(root)], { cwd: root, encoding: 'utf8', timeout: 300_000 });
  if (r.error || r.status !== 0) throw new UserError(`building the browser bundle failed: ${firstLine(r.stderr || r.stdout || String(r.error))}; run 'npm run build' in ${root}`);
}

/** How long a lock may be held before it is presumed left over by a killed process. */
const LOCK_STALE_MS = 15 * 60_000;

function acquireLock(file: string): () => void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const sleeper = new Int32Array(new SharedArrayBuffer(4));
  for (;;) {
    try {
      fs.writeFileSync(file, String(process.pid), { flag: 'wx' });
      return () => fs.rmSync(file, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      try {
        if (Date.now() - fs.statSync(file).mtimeMs > LOCK_STALE_MS) fs.rmSync(file, { force: true });
      } catch {
        // removed meanwhile: retry
      }
      Atomics.wait(sleeper, 0, 0, 500); // synchronous 0.5 s pause
    }
  }
}

function compile(root: string, stale: string[]): BuildResult {
  const started = Date.now();
  const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  const r = spawnSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.build.json')], {
    cwd: root,
    encoding: 'utf8',
    timeout: 600_000,
  });
  if (r.error) throw new UserError(`cannot run the TypeScript compiler (${r.error.message}); run 'npm run build' in ${root}`);
  // A source saved while tsc ran is newer than its output without tsc having failed on it.
  const stillStale = staleSources(root).filter((f) => fs.statSync(path.join(root, f)).mtimeMs < started);
  if (r.status !== 0 && stillStale.length > 0) {
    throw new UserError(`'npm run build' failed and dist/ is out of date (${stillStale[0]}): ${firstLine(r.stdout || r.stderr)}`);
  }
  return { built: true, stale, warning: r.status !== 0 ? firstLine(r.stdout || r.stderr) : undefined };
}

function firstLine(text: string): string {
  return text.split('\n').find((l) => l.trim()) ?? '';
}
