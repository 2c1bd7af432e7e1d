/**
 * `dive setup`: checks the tools the notebooks need (Node, the project's tslab, Jupyter's
 * nbclient/nbconvert under /usr/bin/python3, MathJax, Chromium), installs missing Debian
 * packages when run as root (otherwise prints the exact command), and writes the
 * project-local tslab kernelspec (`.jupyter/kernels/tslab/kernel.json`).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CliIO, Command } from '../../util/command';
import { optBool } from '../../util/command';
import { kernelSpec, kernelSpecPath, writeKernelSpec } from '../../notebooks/kernel';
import { repoRoot } from '../../notebooks/paths';
import { APT_PACKAGES, checkJupyter, checkMathJax, INSTALL_COMMAND, type ToolStatus } from '../../notebooks/tools';
import { checkChromium } from '../../plot/chromium';
import { loadSpeedLab } from '../../backend/plugin';
import { pythonPath } from '../../util/python';
import { checkNotebookServer, NOTEBOOK_SERVER_APT } from '../../notebooks/server';
import { fetchDataset } from '../../data/fetch';
import { manifestEntry } from '../../data/registry';
import { cacheDir, mirrorDir, sharedDataDir } from '../../data/paths';

/** Debian packages for the wasm backend's products (OpenBLAS) and, with --with-torch, dive bench's PyTorch comparison. */
const BLAS_APT = ['libopenblas0-pthread'] as const;
const TORCH_APT = ['python3-torch'] as const;
/** The notebook toolchain's install command plus OpenBLAS. */
const SETUP_INSTALL_COMMAND = INSTALL_COMMAND.replace(APT_PACKAGES.join(' '), [...APT_PACKAGES, NOTEBOOK_SERVER_APT, ...BLAS_APT].join(' '));

/** The one line `dive setup` prints for a test data set it could not get. */
export function dataFix(name: string): string {
  return `${name} missing: run 'npx dive data fetch ${name}' where the network reaches ${manifestEntry(name)?.baseUrl ?? 'its source'}, or set DIVE_DATA_MIRROR to a folder laid out like data/manifest.json; the data tests fail without it`;
}

/** The real data sets the test suite reads (tests/data/helpers.ts: from DIVE_DATA_DIR or DIVE_DATA_MIRROR). */
export const TEST_DATASETS = ['ett-h1', 'gaitndd'] as const;

/**
 * Each test data set: found in the cache or DIVE_DATA_MIRROR, else fetched into the cache
 * (from DIVE_DATA_MIRROR, ../shared/data or the network; every file's sha256 verified by
 * fetchDataset). With `check`, only looked for. A data set that cannot be had is a status
 * whose detail is the one line saying what to do.
 */
export async function ensureTestData(
  check: boolean,
  log: (line: string) => void = () => undefined,
  download?: (url: string) => Promise<Buffer>,
): Promise<ToolStatus[]> {
  const out: ToolStatus[] = [];
  for (const name of TEST_DATASETS) {
    const entry = manifestEntry(name);
    const folder = entry?.folder ?? name;
    const complete = (root: string): boolean => (entry?.files ?? []).every((f) => fs.existsSync(path.join(root, folder, f.name)));
    const mirror = mirrorDir();
    if (complete(cacheDir())) {
      out.push({ name: `data:${name}`, ok: true, detail: path.join(cacheDir(), folder) });
      continue;
    }
    if (mirror && complete(mirror)) {
      out.push({ name: `data:${name}`, ok: true, detail: `${path.join(mirror, folder)} (DIVE_DATA_MIRROR)` });
      continue;
    }
    if (check) {
      out.push({ name: `data:${name}`, ok: false, detail: `not in ${cacheDir()}${mirror ? ` or ${mirror}` : ''}` });
      continue;
    }
    try {
      log(`fetching ${name} into ${cacheDir()} ...`);
      const report = await fetchDataset(name, { mirror: mirror ?? sharedDataDir(), ...(download ? { download } : {}) });
      out.push({ name: `data:${name}`, ok: true, detail: `${report.folder} (fetched, ${report.files.length} files verified)` });
    } catch (err) {
      out.push({ name: `data:${name}`, ok: false, detail: (err as Error).message.split('\n')[0] });
    }
  }
  return out;
}

/** OpenBLAS for the speed lab's wasm matrix products (packages/speedlab/src/blas); without it the speed lab uses its wasm GEMM. */
async function checkOpenBlas(): Promise<ToolStatus> {
  const lab = await loadSpeedLab();
  if (!lab.loaded) return { name: 'openblas', ok: true, detail: `not needed: no speed lab (${lab.reason}), so plain tfjs kernels` };
  const r = lab.lab.openBlas();
  return r.ok ? { name: 'openblas', ok: true, detail: r.detail } : { name: 'openblas', ok: false, detail: r.reason };
}

/** PyTorch under pythonPath(), optional: only dive bench's comparison uses it, so it never fails setup. */
function checkTorch(): ToolStatus {
  const r = spawnSync(pythonPath(), ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8' });
  const ok = r.status === 0;
  return { name: 'torch (optional)', ok: true, detail: ok ? r.stdout.trim() : `not installed for ${pythonPath()}; dive bench compares with PyTorch when it is (dive setup --with-torch, or apt-get install python3-torch)` };
}

/** scripts/install-vulkan.sh: Mesa's Vulkan drivers from the configured Debian archive's backports suite. */
const VULKAN_SCRIPT = path.join('scripts', 'install-vulkan.sh');

/** A Vulkan driver for DIVE_BACKEND=webgpu, optional: only the GPU path uses it (scripts/install-vulkan.sh --check). */
function checkVulkan(root: string): ToolStatus {
  const r = spawnSync('bash', [path.join(root, VULKAN_SCRIPT), '--check'], { encoding: 'utf8' });
  const ok = r.status === 0;
  return { name: 'vulkan (optional)', ok: true, detail: ok ? r.stdout.trim().replace(/^vulkan: /, '') : `${(r.stderr || r.error?.message || '').trim().replace(/^vulkan: /, '')}; DIVE_BACKEND=webgpu needs one (dive setup --with-vulkan installs Mesa's lavapipe)` };
}

/** Oldest Node the project supports (package.json engines). */
const MIN_NODE = [20, 19] as const;

function checkNode(): ToolStatus {
  const [major, minor] = process.versions.node.split('.').map(Number);
  const ok = major > MIN_NODE[0] || (major === MIN_NODE[0] && minor >= MIN_NODE[1]);
  return { name: 'node', ok, detail: ok ? process.version : `${process.version} is older than ${MIN_NODE.join('.')}; install a newer Node` };
}

function checkTslab(root: string): ToolStatus {
  const pkg = path.join(root, 'node_modules', 'tslab', 'package.json');
  if (!fs.existsSync(pkg)) return { name: 'tslab', ok: false, detail: `missing; run 'npm install' in ${root}` };
  return { name: 'tslab', ok: true, detail: (JSON.parse(fs.readFileSync(pkg, 'utf8')) as { version: string }).version };
}

function checkKernelSpec(root: string): ToolStatus {
  const file = kernelSpecPath(root);
  const want = `${JSON.stringify(kernelSpec(root), null, 2)}\n`;
  const ok = fs.existsSync(file) && fs.readFileSync(file, 'utf8') === want;
  return { name: 'kernelspec', ok, detail: ok ? file : `${file} missing or out of date (dive setup writes it)` };
}

/** Everything `dive setup` reports, in order. */
export async function checkAll(root = repoRoot()): Promise<ToolStatus[]> {
  return [checkNode(), checkTslab(root), ...checkJupyter(), checkNotebookServer(), checkMathJax(), checkChromium(), await checkOpenBlas(), checkTorch(), checkVulkan(root), checkKernelSpec(root)];
}

/** Statuses that apt can fix. */
function aptFixable(s: ToolStatus): boolean {
  return s.name.startsWith('python:') || s.name === 'mathjax' || s.name === 'chromium' || s.name === 'openblas';
}

function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

function runApt(io: CliIO, withTorch = false): boolean {
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [['update'], ['install', '-y', ...APT_PACKAGES, NOTEBOOK_SERVER_APT, ...BLAS_APT, ...(withTorch ? TORCH_APT : [])]]) {
    io.err(`running: apt-get ${args.join(' ')}`);
    const r = spawnSync('apt-get', args, { stdio: ['ignore', 'inherit', 'inherit'], env });
    if (r.error || r.status !== 0) {
      io.err(`apt-get ${args[0]} failed (${r.error?.message ?? `exit ${r.status}`})`);
      return false;
    }
  }
  return true;
}

function describe(statuses: readonly ToolStatus[]): string {
  const w = Math.max(...statuses.map((s) => s.name.length));
  return statuses.map((s) => `  ${s.ok ? 'ok     ' : 'MISSING'}  ${s.name.padEnd(w)}  ${s.detail}`).join('\n');
}

export const setupCommand: Command = {
  words: ['setup'],
  summary: 'check and install the notebook toolchain (Jupyter, tslab kernel, Chromium) and fetch the test data sets',
  help:
    'Reports Node, tslab, Jupyter (nbclient, nbconvert under /usr/bin/python3), MathJax and Chromium. ' +
    `When something is missing: as root, runs 'apt-get update' and 'apt-get install -y ${[...APT_PACKAGES, NOTEBOOK_SERVER_APT, ...BLAS_APT].join(' ')}' (plus ${TORCH_APT.join(' ')} with --with-torch); ` +
    'otherwise prints that command. Then writes the project-local tslab kernelspec under .jupyter/, and fetches the real data sets the tests read ' +
    `(${TEST_DATASETS.join(', ')}) into the cache DIVE_DATA_DIR when neither it nor DIVE_DATA_MIRROR has them (from DIVE_DATA_MIRROR, ../shared/data or the network; checksums verified); ` +
    'where they cannot be had it says what to do and exits 1. With --check nothing is installed, fetched or written, and the exit code is 1 when anything is missing. ' +
    "The interactive server: 'npx dive notebooks open'.",
  options: [
    { name: 'check', type: 'boolean', description: 'only report; install and write nothing' },
    { name: 'with-torch', type: 'boolean', description: "also install Debian's python3-torch (large; used by dive bench's PyTorch comparison and the DeepDIVE-against-PyTorch parity test)" },
    { name: 'with-vulkan', type: 'boolean', description: `also install Mesa's Vulkan drivers from the Debian archive's backports suite (${VULKAN_SCRIPT}; DIVE_BACKEND=webgpu on a machine without a GPU driver)` },
  ],
  maxArgs: 0,
  async run(args, io) {
    const root = repoRoot();
    const check = optBool(args, 'check');
    let statuses = await checkAll(root);
    let installed = false;
    let command: string | undefined;
    const withTorch = optBool(args, 'with-torch') && /^not installed/.test(statuses.find((s) => s.name === 'torch (optional)')?.detail ?? '');
    if (!check && (withTorch || statuses.some((s) => !s.ok && aptFixable(s)))) {
      if (isRoot()) {
        installed = runApt(io, withTorch);
        statuses = await checkAll(root);
      } else {
        command = `sudo sh -c '${SETUP_INSTALL_COMMAND}'`;
      }
    }
    if (!check && optBool(args, 'with-vulkan') && !/^loader and ICD present/.test(statuses.find((s) => s.name === 'vulkan (optional)')?.detail ?? '')) {
      if (isRoot()) {
        io.err(`running: ${VULKAN_SCRIPT}`);
        const r = spawnSync('bash', [path.join(root, VULKAN_SCRIPT)], { stdio: ['ignore', 'inherit', 'inherit'] });
        installed = r.status === 0 || installed;
        statuses = await checkAll(root);
      } else {
        io.out(`\na Vulkan driver needs root; run: sudo ${VULKAN_SCRIPT}`);
      }
    }
    if (!check && statuses.find((s) => s.name === 'tslab')?.ok) {
      writeKernelSpec(root);
      statuses = await checkAll(root);
    }
    statuses = [...statuses, ...(await ensureTestData(check, (l) => io.err(l)))];
    const missing = statuses.filter((s) => !s.ok);
    if (args.json) {
      io.json({ ok: missing.length === 0, statuses, installed, installCommand: missing.some(aptFixable) ? SETUP_INSTALL_COMMAND : null });
    } else {
      io.out(describe(statuses));
      if (command) io.out(`\nmissing Debian packages; run as root:\n  ${command}`);
      else if (missing.some(aptFixable)) io.out(`\nstill missing; install with:\n  ${SETUP_INSTALL_COMMAND}`);
      const noData = missing.filter((s) => s.name.startsWith('data:'));
      if (noData.length) io.out('');
      for (const m of noData) io.out(dataFix(m.name.slice(5)));
      if (missing.length === 0) io.out('\nready: npm test; dive notebooks run && dive notebooks export; interactive: npx dive notebooks open');
    }
    return missing.length === 0 ? 0 : 1;
  },
};
