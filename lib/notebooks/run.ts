/**
 * Headless notebook execution with Jupyter's own executor: each notebook is run by
 * `execute.py` (nbclient.NotebookClient) under Debian's Python, in a fresh project-local
 * tslab kernel whose working folder is the notebook's source folder. The first failing cell
 * stops its notebook (`NAME.ipynb cell N: Ename: message`); the other notebooks still run, a
 * notebook that missed a data set is reported as skipped, and other failures are thrown together
 * at the end. Executed
 * copies (outputs included) are written atomically to the output folder; sources are only read.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { UserError } from '../util/errors';
import { checkOutputDir, markOutputDir } from '../util/outputDir';
import { ensureBuilt, type BuildResult } from './build';
import { resolveNotebooks, readNotebook } from './catalog';
import { jupyterEnv, KERNEL_NAME, writeKernelSpec } from './kernel';
import { executedDir, executorScript, notebooksDir, repoRoot } from './paths';
import { pythonPath } from '../util/python';
import { checkJupyter, requireTools } from './tools';

export interface RunOptions {
  /** Notebook names (exact, without `.ipynb`, or unique prefixes). Default: all in `inDir`. */
  names?: readonly string[];
  /** Source folder. Default `<root>/notebooks`. */
  inDir?: string;
  /** Where executed copies go. Default `<root>/out/notebooks`. */
  outDir?: string;
  /** Per-cell time limit in seconds. Default 300. */
  timeoutSec?: number;
  /** Compile lib/ first when dist/ is stale. Default true. */
  build?: boolean;
  /** Progress lines (one per notebook), e.g. the CLI's stderr. */
  onProgress?: (line: string) => void;
}

export interface NotebookRun {
  /** File name, e.g. "00-tour.ipynb". */
  name: string;
  source: string;
  /** The executed copy. */
  output: string;
  /** Number of cells (all kinds). */
  cells: number;
  /** Wall-clock seconds, kernel start included. */
  seconds: number;
}

/** A notebook that did not run through: its one-line error, and the data set it missed, if that was why. */
export interface NotebookFailure {
  name: string;
  message: string;
  /** Set when the notebook stopped because a data set was not downloaded (not fatal). */
  missingData?: string;
}

export interface RunReport {
  notebooks: NotebookRun[];
  /** Notebooks that needed a data set that is not downloaded: reported, not fatal (their executed copies are not written). */
  skipped: NotebookFailure[];
  build: BuildResult | null;
}

/** The JSON line execute.py prints. */
interface ExecutorReply {
  ok: boolean;
  cells?: number;
  seconds?: number;
  cell?: number | null;
  ename?: string;
  evalue?: string;
  fatal?: string;
}

export const DEFAULT_TIMEOUT_SEC = 300;

/** The loaders' message for a data set whose files are missing (lib/data/registry.ts resolveDataPath). */
const MISSING_DATA = /data set '([^']+)' not found \(looked in /;

/**
 * Run notebooks in order. A notebook that fails does not stop the others: one that stopped
 * because a data set is not downloaded is reported in `skipped` (not fatal); any other failure
 * is thrown as a UserError after every notebook has had its turn (one line per failure).
 */
export async function runNotebooks(opts: RunOptions = {}): Promise<RunReport> {
  const root = repoRoot();
  const inDir = path.resolve(opts.inDir ?? notebooksDir(root));
  const outDir = path.resolve(opts.outDir ?? executedDir(root));
  if (inDir === outDir) throw new UserError(`--out ${outDir} is the source folder; executed copies must go elsewhere`);
  // Executed copies replace same-named files: only into an empty folder, our default, or one we wrote.
  if (outDir !== executedDir(root)) checkOutputDir(outDir, { writes: 'executed notebooks', ownEntries: [] });
  const names = resolveNotebooks(inDir, opts.names ?? []);
  requireTools(checkJupyter(), 'running notebooks');
  const build = opts.build === false ? null : ensureBuilt(root);
  if (build?.warning) opts.onProgress?.(`warning: npm run build reported errors (first: ${build.warning}); using what it emitted`);
  writeKernelSpec(root);
  markOutputDir(outDir, 'notebooks run');
  const notebooks: NotebookRun[] = [];
  const skipped: NotebookFailure[] = [];
  const failed: NotebookFailure[] = [];
  for (const name of names) {
    opts.onProgress?.(`running ${name} ...`);
    try {
      const run = await runOne(root, path.join(inDir, name), path.join(outDir, name), opts.timeoutSec ?? DEFAULT_TIMEOUT_SEC);
      opts.onProgress?.(`  ${name}: ${run.cells} cells in ${run.seconds.toFixed(1)} s -> ${path.relative(process.cwd(), run.output) || run.output}`);
      notebooks.push(run);
    } catch (err) {
      if (!(err instanceof UserError)) throw err;
      const missing = MISSING_DATA.exec(err.message)?.[1];
      if (missing) {
        skipped.push({ name, message: err.message, missingData: missing });
        opts.onProgress?.(`  ${name}: skipped, it needs data set '${missing}', which is not downloaded (npx dive data fetch ${missing}, or set DIVE_DATA_MIRROR)`);
      } else {
        failed.push({ name, message: err.message });
        opts.onProgress?.(`  ${name}: failed: ${err.message}`);
      }
    }
  }
  if (failed.length === 1) throw new UserError(failed[0].message);
  if (failed.length > 1) throw new UserError(`${failed.length} notebooks failed: ${failed.map((f) => f.message).join('; ')}`);
  return { notebooks, skipped, build };
}

async function runOne(root: string, source: string, output: string, timeoutSec: number): Promise<NotebookRun> {
  const name = path.basename(source);
  readNotebook(source); // a malformed file fails here with its name, before a kernel starts
  const tmp = path.join(path.dirname(output), `.${name}.tmp-${process.pid}-${Date.now()}`);
  const args = [executorScript(root), source, tmp, '--kernel', KERNEL_NAME, '--timeout', String(timeoutSec), '--cwd', path.dirname(source)];
  // Each run its own Jupyter runtime folder (connection files), so concurrent runs (test
  // files in parallel, two terminals) share nothing but the read-only kernelspec.
  const runtime = fs.mkdtempSync(path.join(os.tmpdir(), 'dive-jupyter-runtime-'));
  try {
    const { code, stdout, stderr } = await spawnCollect(pythonPath(), args, { ...jupyterEnv(root), JUPYTER_RUNTIME_DIR: runtime });
    const reply = lastJson(stdout);
    if (!reply) {
      throw new UserError(`${name}: the notebook executor exited ${code} without a result: ${lastLine(stderr) || 'no output'}`);
    }
    if (!reply.ok) {
      if (reply.fatal) throw new UserError(`${name}${reply.cell ? ` cell ${reply.cell}` : ''}: ${reply.fatal}`);
      const where = reply.cell ? `cell ${reply.cell}` : 'a cell';
      throw new UserError(`${name} ${where}: ${reply.ename ?? 'Error'}: ${reply.evalue ?? ''}`.trimEnd());
    }
    fs.renameSync(tmp, output);
    return { name, source, output, cells: reply.cells ?? 0, seconds: reply.seconds ?? 0 };
  } finally {
    fs.rmSync(tmp, { force: true });
    fs.rmSync(runtime, { recursive: true, force: true });
  }
}

function spawnCollect(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', (err) => reject(new UserError(`cannot start ${cmd} (${err.message}); run 'dive setup'`)));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

function lastJson(stdout: string): ExecutorReply | undefined {
  const lines = stdout.split('\n').filter((l) => l.trim().startsWith('{'));
  if (lines.length === 0) return undefined;
  try {
    return JSON.parse(lines[lines.length - 1]) as ExecutorReply;
  } catch {
    return undefined;
  }
}

function lastLine(text: string): string {
  return text.trim().split('\n').pop()?.trim() ?? '';
}
