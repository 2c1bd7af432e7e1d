/**
 * The external tools the notebook toolchain relies on, how to detect them, and the one
 * command that installs the missing ones (Debian packages; PyPI is not used).
 *
 * - Jupyter's executor and converter: Python modules `nbclient`, `nbconvert`,
 *   `jupyter_client`, `nbformat` importable by `pythonPath()` (apt: python3-nbclient,
 *   jupyter-nbconvert, jupyter-client).
 * - MathJax 2 for offline LaTeX in exported pages (apt: libjs-mathjax).
 * - Chromium for the browser test and static images (apt: chromium), see lib/plot/chromium.ts.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { UserError } from '../util/errors';
import { pythonPath } from '../util/python';

/** Debian packages that provide everything above. */
export const APT_PACKAGES = ['jupyter-nbconvert', 'python3-nbclient', 'jupyter-client', 'chromium', 'libjs-mathjax'] as const;

/** The exact command that installs them (needs root). */
export const INSTALL_COMMAND = `apt-get update && apt-get install -y ${APT_PACKAGES.join(' ')}`;

/** Debian's MathJax 2 tree (libjs-mathjax). */
export const MATHJAX_DIR = '/usr/share/javascript/mathjax';

export interface ToolStatus {
  name: string;
  ok: boolean;
  /** Version or path when present; the reason when missing. */
  detail: string;
}

/** Python modules that `dive notebooks run/export` import. */
export const JUPYTER_MODULES = ['nbformat', 'nbclient', 'nbconvert', 'jupyter_client'] as const;

/** Versions of the Jupyter Python modules (one ToolStatus each) under `pythonPath()`. */
export function checkJupyter(): ToolStatus[] {
  const py = pythonPath();
  const script = [
    'import importlib, json',
    'out = {}',
    `for m in ${JSON.stringify(JUPYTER_MODULES)}:`,
    '    try:',
    '        out[m] = getattr(importlib.import_module(m), "__version__", "present")',
    '    except Exception as e:',
    '        out[m] = None',
    'print(json.dumps(out))',
  ].join('\n');
  const r = spawnSync(py, ['-c', script], { encoding: 'utf8', timeout: 60_000 });
  if (r.error || r.status !== 0) {
    const why = r.error ? (r.error as NodeJS.ErrnoException).code ?? r.error.message : `exit ${r.status}`;
    return JUPYTER_MODULES.map((m) => ({ name: `python:${m}`, ok: false, detail: `${py} not usable (${why})` }));
  }
  const found = JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as Record<string, string | null>;
  return JUPYTER_MODULES.map((m) => ({
    name: `python:${m}`,
    ok: Boolean(found[m]),
    detail: found[m] ? String(found[m]) : `not importable by ${py}`,
  }));
}

export function checkMathJax(): ToolStatus {
  const ok = fs.existsSync(`${MATHJAX_DIR}/MathJax.js`);
  return { name: 'mathjax', ok, detail: ok ? MATHJAX_DIR : `${MATHJAX_DIR}/MathJax.js missing` };
}

/** Throws a one-line UserError naming what is missing and the install command. */
export function requireTools(statuses: readonly ToolStatus[], purpose: string): void {
  const missing = statuses.filter((s) => !s.ok);
  if (missing.length === 0) return;
  const byReason = new Map<string, string[]>();
  for (const m of missing) byReason.set(m.detail, [...(byReason.get(m.detail) ?? []), m.name]);
  const what = [...byReason].map(([detail, names]) => `${names.join(', ')} (${detail})`).join('; ');
  throw new UserError(`${purpose} needs ${what}; install with: ${INSTALL_COMMAND} (or run 'dive setup')`);
}
