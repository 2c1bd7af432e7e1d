/**
 * `dive notebooks run` executes notebooks headlessly (Jupyter's nbclient, project-local tslab
 * kernel) and `dive notebooks export` turns the executed copies into an offline static site.
 */
import * as path from 'node:path';
import type { Command } from '../../util/command';
import { optBool, optNumber, optString } from '../../util/command';
import { exportSingle, exportSite } from '../../notebooks/export';
import { checkNotebook, formatIssues, stripNotebook } from '../../notebooks/hygiene';
import { resolveNotebooks } from '../../notebooks/catalog';
import { notebooksDir } from '../../notebooks/paths';
import { DEFAULT_TIMEOUT_SEC, runNotebooks } from '../../notebooks/run';
import { UserError } from '../../util/errors';
import { spawn } from 'node:child_process';
import { jupyterEnv, writeKernelSpec } from '../../notebooks/kernel';
import { ensureBuilt } from '../../notebooks/build';
import { repoRoot } from '../../notebooks/paths';
import { checkNotebookServer, notebookServerArgs, notebookServerCommand, NOTEBOOK_SERVER_APT } from '../../notebooks/server';
import { pythonPath } from '../../util/python';

/** A folder given on the command line, relative to the working directory; undefined = library default. */
function resolved(dir: string | undefined): string | undefined {
  return dir === undefined ? undefined : path.resolve(dir);
}

export const notebooksRunCommand: Command = {
  words: ['notebooks', 'run'],
  summary: 'execute notebooks headlessly (a failing notebook stops at its failing cell; the others still run)',
  args: '[names...]',
  help:
    'Runs each notebook (names may omit .ipynb and may be unique prefixes; default: all in --in) ' +
    'in a fresh tslab kernel started in the notebook folder, with Jupyter\'s own executor under ' +
    '/usr/bin/python3 (DIVE_PYTHON overrides). Executed copies with outputs go to --out; sources ' +
    'are never modified. Compiles lib/ to dist/ first when dist/ is stale (notebooks import \'divelab\', the compiled library). ' +
    'DIVE_QUICK and other environment variables pass through to the kernel. A failing cell stops ' +
    "its notebook with 'NAME.ipynb cell N: Error: message' (N counts all cells from 1); the other notebooks still run, and the command " +
    'then exits 2. A notebook stopped by a data set that is not downloaded is reported as skipped and does not fail the command ' +
    '(the tour shows the synthetic set instead of missing data sets, with a note).',
  options: [
    { name: 'in', type: 'string', value: 'DIR', description: 'folder of source notebooks (default: <project>/notebooks)' },
    { name: 'out', type: 'string', value: 'DIR', description: 'folder for executed copies (default: <project>/out/notebooks)' },
    { name: 'timeout', type: 'integer', value: 'SEC', description: 'time limit per cell in seconds', default: DEFAULT_TIMEOUT_SEC },
    { name: 'no-build', type: 'boolean', description: 'do not compile lib/ first, even if dist/ is stale' },
  ],
  async run(args, io) {
    const timeout = optNumber(args, 'timeout') ?? DEFAULT_TIMEOUT_SEC;
    if (timeout <= 0) throw new UserError(`--timeout must be a positive number of seconds, got ${timeout}`);
    const report = await runNotebooks({
      names: args.positionals,
      inDir: resolved(optString(args, 'in')),
      outDir: resolved(optString(args, 'out')),
      timeoutSec: timeout,
      build: !optBool(args, 'no-build'),
      onProgress: (l) => io.err(l),
    });
    if (args.json) io.json(report);
    else {
      io.out(`executed ${report.notebooks.length} notebook(s): ${report.notebooks.map((n) => n.output).join(', ')}`);
      for (const s of report.skipped) io.out(`skipped ${s.name}: needs data set '${s.missingData}' (npx dive data fetch ${s.missingData}, or set DIVE_DATA_MIRROR)`);
    }
    return 0;
  },
};

export const notebooksExportCommand: Command = {
  words: ['notebooks', 'export'],
  summary: 'convert executed notebooks to an offline static HTML site, or one notebook to a single self-contained file',
  help:
    'Converts every executed notebook in --in to HTML with nbconvert and writes --out/index.html ' +
    'listing them. Pages load nothing from the network: plotly.js and the style sheets are shipped once ' +
    'in --out/assets, MathJax is copied from Debian\'s libjs-mathjax. The --out folder is replaced atomically. ' +
    '--single NAME instead writes ONE file, --out/NAME.html (default folder <project>/out/site-single), ' +
    'that needs nothing else: plotly.js and the styles inlined, LaTeX typeset to SVG at export time, ' +
    'for sending as an attachment. That folder must be new, empty, or a divelab output; other files in it are kept.',
  options: [
    { name: 'in', type: 'string', value: 'DIR', description: 'folder of executed notebooks (default: <project>/out/notebooks)' },
    { name: 'out', type: 'string', value: 'DIR', description: 'site folder to (re)create (default: <project>/out/site); with --single, the folder for NAME.html (default: <project>/out/site-single)' },
    { name: 'single', type: 'string', value: 'NAME', description: 'export only this notebook (name, unique prefix, or file name) as one self-contained HTML file' },
  ],
  maxArgs: 0,
  async run(args, io) {
    const single = optString(args, 'single');
    if (single !== undefined) {
      const report = await exportSingle({
        name: single,
        inDir: resolved(optString(args, 'in')),
        outDir: resolved(optString(args, 'out')),
        onProgress: (l) => io.err(l),
      });
      if (args.json) io.json(report);
      else io.out(`single page: ${report.file} (${(report.bytes / 1e6).toFixed(2)} MB)`);
      return 0;
    }
    const report = await exportSite({
      inDir: resolved(optString(args, 'in')),
      outDir: resolved(optString(args, 'out')),
      onProgress: (l) => io.err(l),
    });
    if (args.json) io.json(report);
    else io.out(`site: ${report.index} (${report.pages.length} page(s))`);
    return 0;
  },
};

export const notebooksCheckCommand: Command = {
  words: ['notebooks', 'check'],
  summary: 'check that source notebooks are clean (no outputs, imports only divelab); --strip cleans them',
  args: '[names...]',
  help:
    'Checks each source notebook (default: all in --in) for what must not be committed: outputs, ' +
    "execution counts, imports of compiled files (../dist/...) instead of 'divelab', a kernel other " +
    'than tslab, and paths outside the repository. Prints one line per problem and exits 2 when there ' +
    'is any. --strip first removes outputs and execution counts (in place, atomically, in the layout ' +
    'Jupyter writes); the other problems need an edit.',
  options: [
    { name: 'in', type: 'string', value: 'DIR', description: 'folder of source notebooks (default: <project>/notebooks)' },
    { name: 'strip', type: 'boolean', description: 'remove outputs and execution counts before checking' },
  ],
  async run(args, io) {
    const dir = resolved(optString(args, 'in')) ?? notebooksDir();
    const names = resolveNotebooks(dir, args.positionals);
    const stripped: string[] = [];
    const problems: string[] = [];
    for (const name of names) {
      const file = path.join(dir, name);
      if (optBool(args, 'strip') && stripNotebook(file)) stripped.push(name);
      problems.push(...formatIssues(file, checkNotebook(file)));
    }
    if (args.json) io.json({ notebooks: names, stripped, problems });
    else {
      for (const n of stripped) io.err(`stripped ${n}`);
      for (const p of problems) io.out(p);
    }
    if (problems.length > 0) {
      throw new UserError(`${problems.length} problem(s) in source notebooks (first: ${problems[0]}); run 'dive notebooks check --strip' for outputs, edit the rest`);
    }
    if (!args.json) io.out(`${names.length} notebook(s) clean`);
    return 0;
  },
};

export const notebooksOpenCommand: Command = {
  words: ['notebooks', 'open'],
  summary: "start Jupyter Notebook on notebooks/ with the project's tslab kernel (loopback only; --allow-root as root)",
  help:
    "Runs Debian's Jupyter Notebook (python3 -m notebook, apt package jupyter-notebook: dive setup installs it) on the project's " +
    'notebooks/ folder with the project-local tslab kernel, listening on 127.0.0.1 only, without opening a browser unless --browser: ' +
    'open the URL it prints (with its token). As root it adds --allow-root, which Jupyter otherwise demands. Stop it with Ctrl-C. ' +
    '--print shows the command and its environment instead of running it.',
  options: [
    { name: 'port', type: 'integer', value: 'N', description: 'port on 127.0.0.1 (default 8888; Jupyter tries the next ones when taken)' },
    { name: 'browser', type: 'boolean', description: 'open a web browser' },
    { name: 'print', type: 'boolean', description: 'print the command instead of starting the server' },
  ],
  maxArgs: 0,
  async run(args, io) {
    const root = repoRoot();
    const opts = { notebookDir: notebooksDir(root), port: optNumber(args, 'port'), browser: optBool(args, 'browser') };
    const env = jupyterEnv(root);
    if (optBool(args, 'print')) {
      const vars = ['JUPYTER_PATH', 'JUPYTER_DATA_DIR', 'JUPYTER_CONFIG_DIR', 'JUPYTER_RUNTIME_DIR'].map((k) => `${k}=${env[k]}`).join(' ');
      io.out(`${vars} ${notebookServerCommand(opts)}`);
      return 0;
    }
    const server = checkNotebookServer();
    if (!server.ok) throw new UserError(`Jupyter Notebook is not installed (${server.detail}); run 'npx dive setup' as root, or: sudo apt-get install -y ${NOTEBOOK_SERVER_APT}`);
    writeKernelSpec(root);
    ensureBuilt(root); // the kernel imports dist/ and explorable figures inline dist/browser
    const child = spawn(pythonPath(), notebookServerArgs(opts), { env, stdio: 'inherit' });
    const stop = (): void => void child.kill('SIGINT');
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    const code = await new Promise<number | null>((resolve, reject) => {
      child.on('error', (err) => reject(new UserError(`cannot start ${pythonPath()} (${err.message}); run 'dive setup'`)));
      child.on('close', resolve);
    });
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    return code === 0 || code === null ? 0 : 1;
  },
};
