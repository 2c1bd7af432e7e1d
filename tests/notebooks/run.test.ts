/**
 * Headless notebook execution through the CLI's code path (`dive notebooks run`): the tour
 * runs clean with outputs, and a deliberately failing notebook stops with its name, the cell
 * number and the message, leaving its source untouched. Needs Debian's Jupyter
 * (python3-nbclient): when it is missing these tests FAIL with the install command.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../lib/cli/main';
import { notebooksDir } from '../../lib/notebooks/paths';
import { runNotebooks } from '../../lib/notebooks/run';
import { OUTPUT_MARKER } from '../../lib/util/outputDir';
import { checkJupyter, requireTools } from '../../lib/notebooks/tools';
import { capture } from '../io';

const sha = (file: string): string => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');

interface Cell { cell_type: string; source: string | string[]; outputs?: { output_type: string; name?: string; text?: string | string[]; data?: Record<string, unknown> }[] }

function notebook(cells: [type: 'code' | 'markdown', source: string][]): string {
  return JSON.stringify({
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: 'tslab', display_name: 'TypeScript', language: 'typescript' } },
    cells: cells.map(([t, s], i) => (t === 'code'
      ? { cell_type: 'code', id: `c${i}`, metadata: {}, execution_count: null, outputs: [], source: s }
      : { cell_type: 'markdown', id: `c${i}`, metadata: {}, source: s })),
  });
}

let tmp: string;
beforeAll(() => {
  requireTools(checkJupyter(), 'the notebook tests'); // fail (not skip) with the install command
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dive-nb-run-'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('dive notebooks run', () => {
  it('executes 00-tour headlessly and writes an executed copy with outputs, source untouched', async () => {
    const source = path.join(notebooksDir(), '00-tour.ipynb');
    const before = sha(source);
    const out = path.join(tmp, 'executed');
    const io = capture();
    const quick = process.env.DIVE_QUICK;
    process.env.DIVE_QUICK = '1'; // must reach the kernel
    let code: number;
    try {
      code = await main(['notebooks', 'run', '00-tour', '--out', out, '--json'], io);
    } finally {
      if (quick === undefined) delete process.env.DIVE_QUICK;
      else process.env.DIVE_QUICK = quick;
    }
    expect(io.stderr.filter((l) => l.startsWith('dive:')), io.stderr.join('\n')).toEqual([]);
    expect(code).toBe(0);
    const report = JSON.parse(io.stdout[0]) as { notebooks: { name: string; output: string; cells: number }[] };
    expect(report.notebooks.map((n) => n.name)).toEqual(['00-tour.ipynb']);
    const executed = JSON.parse(fs.readFileSync(path.join(out, '00-tour.ipynb'), 'utf8')) as { cells: Cell[] };
    const codeCells = executed.cells.filter((c) => c.cell_type === 'code');
    expect(codeCells.length).toBeGreaterThan(3);
    for (const c of codeCells) {
      expect(c.outputs?.length, `no output from: ${String(c.source).slice(0, 80)}`).toBeGreaterThan(0);
      for (const o of c.outputs ?? []) {
        expect(o.output_type).not.toBe('error');
        expect(o.name, `stderr output: ${String(o.text)}`).not.toBe('stderr');
      }
    }
    const stdout = codeCells.flatMap((c) => c.outputs ?? []).filter((o) => o.name === 'stdout').map((o) => [o.text ?? ''].flat().join(''));
    expect(stdout).toContain('quick mode: true\n');
    const html = codeCells.flatMap((c) => c.outputs ?? []).map((o) => String(o.data?.['text/html'] ?? ''));
    // The plotly bundle is inlined exactly once (with the first figure) ...
    expect(html.filter((h) => h.includes('window.Plotly = Plotly')).length).toBe(1);
    // ... and every figure calls Plotly.newPlot, one of them with a slider.
    const figures = html.filter((h) => h.includes('Plotly.newPlot('));
    expect(figures.length).toBeGreaterThanOrEqual(3);
    expect(figures.some((h) => h.includes('"sliders"'))).toBe(true);
    expect(html.some((h) => h.includes('<table class="dataframe'))).toBe(true);
    expect(sha(source)).toBe(before);
    // No temporary files are left in the output folder.
    expect(fs.readdirSync(out).filter((f) => f !== OUTPUT_MARKER)).toEqual(['00-tour.ipynb']);
  }, 900_000);

  it('stops at a runtime error with notebook, cell number and message; exit 2; source untouched; nothing written', async () => {
    const dir = path.join(tmp, 'broken');
    fs.mkdirSync(dir);
    const src = path.join(dir, '99-broken.ipynb');
    fs.writeFileSync(src, notebook([
      ['markdown', '# Broken on purpose'],
      ['code', 'const answer: number = 6 * 7;\nconsole.log(answer);'],
      ['code', "throw new RangeError('deliberate failure in cell three');"],
      ['code', "console.log('never reached');"],
    ]));
    const before = sha(src);
    const out = path.join(tmp, 'broken-out');
    const io = capture();
    // --no-build: this notebook does not import the library, so dist/ freshness is irrelevant.
    const code = await main(['notebooks', 'run', '99', '--in', dir, '--out', out, '--no-build'], io);
    expect(code).toBe(2);
    const errors = io.stderr.filter((l) => l.startsWith('dive:'));
    expect(errors).toEqual(['dive: 99-broken.ipynb cell 3: RangeError: deliberate failure in cell three']);
    expect(sha(src)).toBe(before);
    expect(fs.existsSync(path.join(out, '99-broken.ipynb'))).toBe(false);
    expect(fs.readdirSync(out).filter((f) => f !== OUTPUT_MARKER)).toEqual([]);
  }, 300_000);

  it('runs the other notebooks past a failing one; a notebook missing a data set is reported as skipped, not fatal', async () => {
    const dir = path.join(tmp, 'several');
    fs.mkdirSync(dir);
    // What the loaders throw for a data set that is not downloaded (lib/data/registry.ts).
    fs.writeFileSync(path.join(dir, '01-needs-data.ipynb'), notebook([
      ['code', "const e = new Error(\"data set 'gaitndd' not found (looked in /nowhere/gaitndd); run 'dive data fetch gaitndd' or pass --file PATH\");\ne.name = 'UserError';\nthrow e;"],
    ]));
    fs.writeFileSync(path.join(dir, '02-fine.ipynb'), notebook([['code', "console.log('fine');"]]));
    let out = path.join(tmp, 'several-out');
    let io = capture();
    expect(await main(['notebooks', 'run', '01', '02', '--in', dir, '--out', out, '--no-build'], io)).toBe(0);
    expect(io.stdout.join('\n')).toMatch(/skipped 01-needs-data\.ipynb: needs data set 'gaitndd' \(npx dive data fetch gaitndd/);
    expect(fs.readdirSync(out).filter((f) => f !== OUTPUT_MARKER)).toEqual(['02-fine.ipynb']);
    // A real failure still fails the command, after the later notebooks ran.
    fs.writeFileSync(path.join(dir, '00-broken.ipynb'), notebook([['code', "throw new RangeError('first notebook broken');"]]));
    out = path.join(tmp, 'several-out-2');
    io = capture();
    expect(await main(['notebooks', 'run', '--in', dir, '--out', out, '--no-build'], io)).toBe(2);
    expect(io.stderr.filter((l) => l.startsWith('dive:'))).toEqual(['dive: 00-broken.ipynb cell 1: RangeError: first notebook broken']);
    expect(fs.readdirSync(out).filter((f) => f !== OUTPUT_MARKER)).toEqual(['02-fine.ipynb']);
  }, 300_000);

  it('runs the tour without any downloaded data: the data cells show the synthetic set with a note', async () => {
    const empty = fs.mkdtempSync(path.join(tmp, 'no-data-'));
    const keys = ['DIVE_DATA_DIR', 'DIVE_DATA_MIRROR', 'DIVE_DATA_SHARED', 'DIVE_QUICK'] as const;
    const saved = Object.fromEntries(keys.map((k) => [k, process.env[k]]));
    Object.assign(process.env, { DIVE_DATA_DIR: empty, DIVE_DATA_SHARED: '0', DIVE_QUICK: '1' });
    delete process.env.DIVE_DATA_MIRROR;
    const out = path.join(tmp, 'no-data-out');
    const io = capture();
    let code: number;
    try {
      code = await main(['notebooks', 'run', '00-tour', '--out', out], io);
    } finally {
      for (const k of keys) {
        if (saved[k] === undefined) delete process.env[k];
        else process.env[k] = saved[k];
      }
    }
    expect(io.stderr.filter((l) => l.startsWith('dive:')), io.stderr.join('\n')).toEqual([]);
    expect(code).toBe(0);
    const executed = JSON.parse(fs.readFileSync(path.join(out, '00-tour.ipynb'), 'utf8')) as { cells: Cell[] };
    const stdout = executed.cells.flatMap((c) => c.outputs ?? []).filter((o) => o.name === 'stdout').map((o) => [o.text ?? ''].flat().join('')).join('');
    expect(stdout).toContain("note: data set 'ett-h1' is not downloaded here, so this section shows the synthetic set instead");
    expect(stdout).toContain("note: data set 'gaitndd' is not downloaded here");
    const html = executed.cells.flatMap((c) => c.outputs ?? []).map((o) => String(o.data?.['text/html'] ?? '')).join('');
    expect(html).toContain('synthetic (standing in for ETTh1)');
    expect(html).toContain('"sliders"');
  }, 900_000);

  it('reports a TypeScript type error with the cell number and the position in the cell', async () => {
    const dir = path.join(tmp, 'typeerror');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'typed.ipynb'), notebook([
      ['code', "console.log('ok');"],
      ['code', "const n: number = 1;\nconst s: number = 'not a number';"],
    ]));
    await expect(runNotebooks({ inDir: dir, outDir: path.join(tmp, 'typed-out'), build: false }))
      .rejects.toThrow(/^typed\.ipynb cell 2: TypeScript: line 2 col 7: Type 'string' is not assignable to type 'number'/);
  }, 300_000);
});
