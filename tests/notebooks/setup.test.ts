/**
 * `dive setup`'s test data and the interactive server of `dive notebooks open`: the flags
 * (loopback only, --allow-root exactly for root), and Debian's Jupyter Notebook started that way
 * answering on 127.0.0.1, then stopped (bounded in time). A missing notebook server makes the
 * server test FAIL with the install command, like the other notebook tools.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { dataFix, ensureTestData } from '../../lib/cli/commands/setup';
import { main } from '../../lib/cli/main';
import { jupyterEnv } from '../../lib/notebooks/kernel';
import { checkNotebookServer, notebookServerArgs } from '../../lib/notebooks/server';
import { pythonPath } from '../../lib/util/python';
import { capture, requireShared } from '../data/helpers';
import { freePort } from '../net';

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dive-setup-'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
const KEYS = ['DIVE_DATA_DIR', 'DIVE_DATA_MIRROR', 'DIVE_DATA_SHARED'] as const;
const saved = Object.fromEntries(KEYS.map((k) => [k, process.env[k]]));
afterEach(() => {
  for (const k of KEYS) {
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  }
});

describe('dive notebooks open', () => {
  it('listens on loopback, opens no browser unless asked, and adds --allow-root exactly when the user is root', () => {
    const user = notebookServerArgs({ notebookDir: '/p/notebooks', uid: 1000 });
    expect(user).toEqual(['-m', 'notebook', '--notebook-dir=/p/notebooks', '--ip=127.0.0.1', '--port=8888', '--no-browser']);
    const root = notebookServerArgs({ notebookDir: '/p/notebooks', uid: 0, port: 9000, browser: true });
    expect(root).toEqual(['-m', 'notebook', '--notebook-dir=/p/notebooks', '--ip=127.0.0.1', '--port=9000', '--allow-root']);
  });

  it('--print shows the command with the project-local Jupyter folders', async () => {
    const io = capture();
    expect(await main(['notebooks', 'open', '--print', '--port', '8899'], io)).toBe(0);
    expect(io.stdout).toHaveLength(1);
    expect(io.stdout[0]).toMatch(/^JUPYTER_PATH=\S+\/\.jupyter JUPYTER_DATA_DIR=.* -m notebook --notebook-dir=\S+\/notebooks --ip=127\.0\.0\.1 --port=8899 --no-browser/);
    const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
    expect(io.stdout[0].endsWith(' --allow-root')).toBe(isRoot);
  });

  it("starts Debian's Jupyter Notebook with those flags; it answers on 127.0.0.1 and stops", async () => {
    const server = checkNotebookServer();
    if (!server.ok) throw new Error(`${server.detail}; install with: apt-get install -y jupyter-notebook (or run 'npx dive setup' as root)`);
    const port = await freePort();
    const env = { ...jupyterEnv(), JUPYTER_RUNTIME_DIR: path.join(tmp, 'runtime') };
    const child = spawn(pythonPath(), notebookServerArgs({ notebookDir: tmp, port }), { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (log += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (log += d));
    const closed = new Promise<void>((resolve) => child.on('close', () => resolve()));
    try {
      let answer: { version?: string } | undefined;
      const deadline = Date.now() + 60_000;
      while (!answer && Date.now() < deadline && child.exitCode === null) {
        try {
          const res = await fetch(`http://127.0.0.1:${port}/api`, { signal: AbortSignal.timeout(2000) });
          if (res.ok) answer = (await res.json()) as { version?: string };
        } catch {
          await new Promise((r) => setTimeout(r, 300));
        }
      }
      expect(answer?.version, log).toMatch(/^\d+\./);
      expect(log).toContain(`127.0.0.1:${port}`);
    } finally {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await closed;
      clearTimeout(timer);
    }
  }, 120_000);
});

describe('dive setup: the test data sets', () => {
  it('with --check reports a missing data set with one line saying what to do', async () => {
    Object.assign(process.env, { DIVE_DATA_DIR: path.join(tmp, 'empty-cache'), DIVE_DATA_SHARED: '0' });
    delete process.env.DIVE_DATA_MIRROR;
    const st = await ensureTestData(true);
    expect(st.map((s) => [s.name, s.ok])).toEqual([['data:ett-h1', false], ['data:gaitndd', false]]);
    expect(st[0].detail).toBe(`not in ${path.join(tmp, 'empty-cache')}`);
    expect(dataFix('ett-h1')).toMatch(/^ett-h1 missing: run 'npx dive data fetch ett-h1' where the network reaches https:\/\/raw\.githubusercontent\.com\/.*, or set DIVE_DATA_MIRROR to a folder laid out like data\/manifest\.json; the data tests fail without it$/);
    expect(fs.existsSync(path.join(tmp, 'empty-cache'))).toBe(false); // --check writes nothing
  });

  it('fetches a missing data set into the cache (checksums verified), and says what to do when it cannot', async () => {
    const real = fs.readFileSync(requireShared('ett/ETTh1.csv')); // the published file, as a download would give it
    Object.assign(process.env, { DIVE_DATA_DIR: path.join(tmp, 'cache'), DIVE_DATA_SHARED: '0' });
    delete process.env.DIVE_DATA_MIRROR;
    const urls: string[] = [];
    const st = await ensureTestData(false, () => undefined, async (url) => {
      urls.push(url);
      if (url.endsWith('/ETTh1.csv')) return real;
      throw new Error('getaddrinfo ENOTFOUND physionet.org');
    });
    expect(st[0]).toMatchObject({ name: 'data:ett-h1', ok: true });
    expect(st[0].detail).toMatch(/fetched, 1 files verified/);
    expect(fs.readFileSync(path.join(tmp, 'cache', 'ett', 'ETTh1.csv')).equals(real)).toBe(true);
    expect(urls[0]).toBe('https://raw.githubusercontent.com/zhouhaoyi/ETDataset/main/ETT-small/ETTh1.csv');
    expect(st[1]).toMatchObject({ name: 'data:gaitndd', ok: false });
    expect(st[1].detail).toBe('getaddrinfo ENOTFOUND physionet.org');
    // A second run finds it in the cache and fetches nothing.
    const again = await ensureTestData(false, () => undefined, async () => { throw new Error('must not download'); });
    expect(again[0]).toEqual({ name: 'data:ett-h1', ok: true, detail: path.join(tmp, 'cache', 'ett') });
  });
});
