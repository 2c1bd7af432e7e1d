/**
 * The interactive notebook server, as `dive notebooks open` starts it: Debian's Jupyter
 * Notebook (`python3 -m notebook`, apt package jupyter-notebook, which `dive setup` installs)
 * on the project's notebooks with the project-local tslab kernel (jupyterEnv), listening on
 * loopback only. Jupyter refuses to start as root without `--allow-root`, so that flag is
 * added exactly when the user is root (containers, CI machines).
 */
import { spawnSync } from 'node:child_process';
import { pythonPath } from '../util/python';
import type { ToolStatus } from './tools';

/** The Debian package of the interactive server. */
export const NOTEBOOK_SERVER_APT = 'jupyter-notebook';

export interface ServerOptions {
  /** Folder the server opens (the project's notebooks/). */
  notebookDir: string;
  /** Port (default 8888; Jupyter tries the next ones when it is taken). */
  port?: number;
  /** Open a web browser (default: no; the server prints the URL with its token). */
  browser?: boolean;
  /** The user id to decide on --allow-root (default: this process's). */
  uid?: number;
}

/** The argument list after the interpreter: `-m notebook …`. */
export function notebookServerArgs(o: ServerOptions): string[] {
  const uid = o.uid ?? (typeof process.getuid === 'function' ? process.getuid() : -1);
  return [
    '-m', 'notebook',
    `--notebook-dir=${o.notebookDir}`,
    '--ip=127.0.0.1',
    `--port=${o.port ?? 8888}`,
    ...(o.browser ? [] : ['--no-browser']),
    ...(uid === 0 ? ['--allow-root'] : []),
  ];
}

/** The shell command equivalent (for the README and --print). */
export function notebookServerCommand(o: ServerOptions): string {
  return [pythonPath(), ...notebookServerArgs(o)].map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}

/** Whether Debian's notebook server is importable by pythonPath(). */
export function checkNotebookServer(): ToolStatus {
  const py = pythonPath();
  const r = spawnSync(py, ['-c', 'import notebook; print(notebook.__version__)'], { encoding: 'utf8', timeout: 60_000 });
  const ok = !r.error && r.status === 0;
  return { name: 'python:notebook', ok, detail: ok ? r.stdout.trim() : `not importable by ${py} (the interactive server of 'dive notebooks open'; apt-get install ${NOTEBOOK_SERVER_APT})` };
}
