/**
 * Explorable figures in a live Jupyter session (docs/notebooks.md): Debian's Jupyter Notebook,
 * started as `dive notebooks open` starts it, serves a copy of notebook 03; headless Chromium (no
 * request beyond 127.0.0.1) runs all its cells with the project's tslab kernel, then drags the
 * responsibilities figure's separation to d = 2.7 — a value the notebook never computed — and
 * checks that the figure shows Node's numbers for it while the kernel received no execute
 * request and no cell was re-run: the page's own script and the inlined browser bundle did it.
 * Missing Jupyter Notebook or Chromium makes the test FAIL with the install command.
 */
import { spawn } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from '../../lib/notebooks/build';
import { jupyterEnv, writeKernelSpec } from '../../lib/notebooks/kernel';
import { notebooksDir } from '../../lib/notebooks/paths';
import { checkNotebookServer, notebookServerArgs } from '../../lib/notebooks/server';
import { launchChromium } from '../../lib/plot/chromium';
import type { Figure } from '../../lib/plot/figure';
import { responsibilitiesFigure, type ResponsibilitiesParams } from '../../lib/theory/figures';
import { repoRoot } from '../../lib/util/repo';
import { pythonPath } from '../../lib/util/python';
import { driveRange, explorableState, expectSameNumbers, plottedData } from './explorable';
import { LOCAL, openPage } from './page';
import { freePort } from '../net';

// The classic notebook's page globals used inside page.evaluate callbacks (no DOM typings here).
interface Cell { input_prompt_number?: number | string | null; cell_type: string }
interface Kernel { is_connected(): boolean; send_shell_message(type: string, ...rest: unknown[]): unknown }
interface PageElement { id: string; getAttribute(a: string): string | null; querySelector(s: string): PageElement | null }
declare const window: {
  Jupyter?: { notebook?: { _fully_loaded?: boolean; kernel?: Kernel; kernel_busy?: boolean; get_cells(): Cell[]; execute_all_cells(): void } };
  diveShellMessages?: string[];
};
declare const document: { querySelector(s: string): PageElement | null; querySelectorAll(s: string): ArrayLike<PageElement> };

const NOTEBOOK = '03-log-concave-mixture-kl-bound.ipynb';

let browser: Browser;
let dir: string;
let stop: (() => Promise<void>) | undefined;
let url: string;
let log = '';

beforeAll(async () => {
  const server = checkNotebookServer();
  if (!server.ok) throw new Error(`${server.detail}; install with: apt-get install -y jupyter-notebook (or run 'npx dive setup' as root)`);
  const root = repoRoot();
  ensureBuilt(root);
  writeKernelSpec(root);
  browser = await launchChromium();
  // Inside the project (out/ is git-ignored) so the kernel resolves 'divelab' as notebooks/ does.
  fs.mkdirSync(path.join(root, 'out'), { recursive: true });
  dir = fs.mkdtempSync(path.join(root, 'out', 'jupyter-live-'));
  fs.copyFileSync(path.join(notebooksDir(root), NOTEBOOK), path.join(dir, NOTEBOOK));
  const port = await freePort();
  const token = crypto.randomBytes(12).toString('hex');
  const env = { ...jupyterEnv(root), JUPYTER_RUNTIME_DIR: path.join(dir, '.runtime'), DIVE_QUICK: '1' };
  const child = spawn(pythonPath(), [...notebookServerArgs({ notebookDir: dir, port }), `--NotebookApp.token=${token}`], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.setEncoding('utf8').on('data', (d: string) => (log += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (log += d));
  const closed = new Promise<void>((resolve) => child.on('close', () => resolve()));
  stop = async () => {
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await closed;
    clearTimeout(timer);
  };
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/api`, { signal: AbortSignal.timeout(2000) })).ok) break;
    } catch {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`the notebook server did not answer: ${log}`);
      await new Promise((r) => setTimeout(r, 300));
    }
  }
  url = `http://127.0.0.1:${port}/notebooks/${NOTEBOOK}?token=${token}`;
}, 600_000);

afterAll(async () => {
  await browser?.close();
  await stop?.();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('explorable figures in a running Jupyter notebook', () => {
  it('a control recomputes the figure in the page without re-running its cell', async () => {
    const page = await openPage(browser, url, { offline: true });
    const { page: p } = page;
    await p.waitForFunction(() => window.Jupyter?.notebook?._fully_loaded === true && window.Jupyter.notebook.kernel?.is_connected() === true, undefined, { timeout: 120_000 });
    await p.evaluate(() => window.Jupyter!.notebook!.execute_all_cells());
    // Every code cell has run (a number in its prompt) and the kernel is idle again.
    await p.waitForFunction(() => {
      const nb = window.Jupyter!.notebook!;
      return !nb.kernel_busy && nb.get_cells().filter((c) => c.cell_type === 'code').every((c) => typeof c.input_prompt_number === 'number');
    }, undefined, { timeout: 420_000, polling: 1000 });
    const errors = await p.evaluate(() => Array.from(document.querySelectorAll('.output_error')).length);
    expect(errors, log).toBe(0);
    const plot = await p.evaluate(() => document.querySelector('.dive-explorable[data-figure="responsibilitiesFigure"] .dive-plot')!.id);
    await p.waitForFunction((id) => document.querySelector(`.dive-explorable:has(#${id})`)!.getAttribute('data-state') === 'ready', plot, { timeout: 60_000 });
    const prompts = await p.evaluate(() => window.Jupyter!.notebook!.get_cells().map((c) => c.input_prompt_number ?? null));
    // From here on, record every message the page sends to the kernel.
    await p.evaluate(() => {
      const kernel = window.Jupyter!.notebook!.kernel!;
      const send = kernel.send_shell_message.bind(kernel);
      window.diveShellMessages = [];
      kernel.send_shell_message = (type: string, ...rest: unknown[]) => {
        window.diveShellMessages!.push(type);
        return send(type, ...rest);
      };
    });
    await driveRange(p, plot, 'd', 2.7);
    const { values } = await explorableState(p, plot);
    expect(values).toMatchObject({ d: 2.7, left: 'gaussian', right: 'cauchy', labelWeight: 0.45, weights: [0.3, 0.45, 0.25] });
    const expected: Figure = responsibilitiesFigure(values as unknown as ResponsibilitiesParams);
    const worst = expectSameNumbers(await plottedData(p, plot), expected);
    console.log(`live notebook: responsibilities at d = 2.7 recomputed in the page; max relative difference to Node ${worst.toExponential(1)}`);
    expect(await p.evaluate(() => window.diveShellMessages)).toEqual([]);
    expect(await p.evaluate(() => window.Jupyter!.notebook!.get_cells().map((c) => c.input_prompt_number ?? null))).toEqual(prompts);
    // The notebook UI's own style sheet asks for a font at about:blank, which Chromium refuses
    // (two console errors unrelated to the outputs); anything else is a failure.
    expect(page.errors.filter((e) => !/font at 'about:blank'|Failed to load resource: net::ERR_FAILED$/.test(e))).toEqual([]);
    expect(page.failed.filter((f) => !f.startsWith('about:blank'))).toEqual([]);
    expect(page.external.filter((u) => !LOCAL.test(u))).toEqual([]);
    await p.close();
  }, 600_000);
});
