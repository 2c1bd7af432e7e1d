/**
 * Notebook hygiene: every committed notebook is a clean source (no outputs, no execution
 * counts, imports only 'divelab', the tslab kernel, no path outside the repository, Jupyter's
 * own JSON layout), and the checker itself catches each violation. That every notebook also
 * RUNS is checked by tests/browser/export.test.ts, which executes all of them headlessly.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listNotebooks, readNotebook, type NotebookJson } from '../../lib/notebooks/catalog';
import { checkNotebook, formatIssues, notebookIssues, serialiseNotebook, strippedNotebook, stripNotebook } from '../../lib/notebooks/hygiene';
import { notebooksDir } from '../../lib/notebooks/paths';
import { pythonPath } from '../../lib/util/python';
import { checkJupyter, requireTools } from '../../lib/notebooks/tools';

const KERNEL = { name: 'tslab', display_name: 'TypeScript (divelab tslab)', language: 'typescript' };
let nextId = 0;
const code = (source: string, extra: Record<string, unknown> = {}) => ({ cell_type: 'code', id: `c${nextId++}`, metadata: {}, execution_count: null, outputs: [], source, ...extra });
const md = (source: string) => ({ cell_type: 'markdown', id: `m${nextId++}`, metadata: {}, source });
const nb = (cells: unknown[], metadata: Record<string, unknown> = { kernelspec: KERNEL }): NotebookJson =>
  ({ nbformat: 4, nbformat_minor: 5, metadata, cells }) as NotebookJson;

describe('committed notebooks', () => {
  const files = listNotebooks(notebooksDir());

  it('there are notebooks, including the theory notebooks and the my-experiment template', () => {
    expect(files.length).toBeGreaterThanOrEqual(9);
    for (const stem of ['01-elbo-decomposition', '02-naive-bayes-disentanglement', '03-log-concave-mixture-kl-bound', '09-my-experiment']) {
      expect(files).toContain(`${stem}.ipynb`);
    }
  });

  it.each(listNotebooks(notebooksDir()))('%s is a clean source', (name) => {
    const file = path.join(notebooksDir(), name);
    expect(formatIssues(file, checkNotebook(file))).toEqual([]);
  });

  it.each(listNotebooks(notebooksDir()))('%s imports the library as divelab and is stored as Jupyter writes it', (name) => {
    const file = path.join(notebooksDir(), name);
    const parsed = readNotebook(file);
    const sources = parsed.cells.filter((c) => c.cell_type === 'code').map((c) => (Array.isArray(c.source) ? c.source.join('') : c.source)).join('\n');
    expect(sources).toMatch(/from 'divelab'/);
    // Saving in Jupyter (sorted keys, indent 1) must not rewrite the file: one source of truth, one layout.
    expect(fs.readFileSync(file, 'utf8') === serialiseNotebook(parsed), `${name}: run 'dive notebooks check --strip' (or save it in Jupyter)`).toBe(true);
  });

  it("our layout is byte for byte what Jupyter's nbformat writes", () => {
    requireTools(checkJupyter(), 'the notebook layout check'); // fail (not skip) with the install command
    const script = [
      'import json, sys, warnings, nbformat',
      'warnings.simplefilter("ignore")',
      'out = {}',
      'for f in sys.argv[1:]:',
      '    out[f] = nbformat.writes(nbformat.read(f, as_version=4)) + "\\n"',
      'print(json.dumps(out))',
    ].join('\n');
    const files = listNotebooks(notebooksDir()).map((n) => path.join(notebooksDir(), n));
    const r = spawnSync(pythonPath(), ['-c', script, ...files], { encoding: 'utf8', maxBuffer: 256 << 20 });
    expect(r.status, r.stderr).toBe(0);
    const jupyter = JSON.parse(r.stdout) as Record<string, string>;
    for (const f of files) expect(serialiseNotebook(readNotebook(f)) === jupyter[f], path.basename(f)).toBe(true);
  });

  it('no generator script writes notebooks any more (each notebook is its own source)', () => {
    expect(fs.existsSync(path.join(notebooksDir(), 'src'))).toBe(false);
  });
});

describe('the hygiene checker', () => {
  it('accepts a clean notebook', () => {
    expect(notebookIssues(nb([md('# Title\nsee `docs/paper.md` E1'), code("import * as divelab from 'divelab';")]))).toEqual([]);
  });

  it('reports outputs and execution counts per cell', () => {
    const issues = notebookIssues(nb([md('# t'), code('1 + 1', { execution_count: 3, outputs: [{ output_type: 'execute_result', data: { 'text/plain': '2' } }] })]));
    expect(issues).toEqual([
      { cell: 2, problem: 'has 1 output(s)' },
      { cell: 2, problem: 'has execution count 3' },
    ]);
  });

  it('reports imports of compiled files, static and dynamic', () => {
    for (const line of ["import { train } from '../dist/lib/train';", "const m = require('../../dist/lib/models/registry');", "const x = await import('dist/lib/index.js');"]) {
      const issues = notebookIssues(nb([code(`const a = 1;\n${line}`)]));
      expect(issues, line).toHaveLength(1);
      expect(issues[0].problem).toMatch(/^line 2 imports compiled files .* import from 'divelab' instead$/);
    }
  });

  it('reports paths outside the repository in Markdown and code', () => {
    // Built from parts so that this file itself holds no such path (the repository-wide grep stays clean).
    const machine = ['', 'work', 'shared', 'paper', 'deepdive.md'].join('/');
    const sibling = ['..', 'shared', 'paper', 'deepdive.md'].join('/');
    const issues = notebookIssues(nb([md(`see \`${machine}\``), md(`and ${sibling}`), code(`fs.readFileSync('${['', 'home', 'me', 'data.csv'].join('/')}')`)]));
    expect(issues.map((i) => i.cell)).toEqual([1, 2, 3]);
    expect(issues[0].problem).toMatch(/names a path outside the repository.*cite docs\/paper\.md/);
    // A repository path, a URL and a division are not paths outside the repository.
    expect(notebookIssues(nb([md('`docs/paper.md`, https://arxiv.org/abs/2501.08710'), code('const r = a / work / 2;')]))).toEqual([]);
  });

  it('reports missing and repeated cell ids (nbformat 4.5)', () => {
    const noId = { cell_type: 'markdown', metadata: {}, source: 'x' };
    const a = md('a');
    expect(notebookIssues(nb([noId, a, { ...a }]))).toEqual([
      { cell: 1, problem: "has no cell id (nbformat 4.5; 'dive notebooks check --strip' adds one)" },
      { cell: 3, problem: `repeats the cell id '${a.id}'` },
    ]);
    expect(notebookIssues({ ...nb([noId]), nbformat_minor: 4 })).toEqual([]); // ids came with 4.5
  });

  it('reports a kernel other than tslab', () => {
    expect(notebookIssues(nb([], { kernelspec: { name: 'python3' } }))).toEqual([{ cell: null, problem: "kernelspec is 'python3', not 'tslab' (choose the divelab tslab kernel in Jupyter)" }]);
    expect(formatIssues('/x/a.ipynb', [{ cell: null, problem: 'p' }, { cell: 4, problem: 'q' }])).toEqual(['a.ipynb: p', 'a.ipynb cell 4: q']);
  });
});

describe('stripping', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dive-nb-strip-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('removes outputs and counts only, writes Jupyter layout, and is idempotent', () => {
    const dirty = nb([md('# Überblick — ü'), code('1 + 1', { execution_count: 7, outputs: [{ output_type: 'stream', name: 'stdout', text: 'x' }], metadata: { tags: ['keep'] } }), { cell_type: 'markdown', metadata: {}, source: 'no id' }]);
    const file = path.join(dir, 'dirty.ipynb');
    fs.writeFileSync(file, JSON.stringify(dirty));
    expect(checkNotebook(file)).toHaveLength(3);
    expect(stripNotebook(file)).toBe(true);
    expect(checkNotebook(file)).toEqual([]);
    const text = fs.readFileSync(file, 'utf8');
    expect(text).toContain('"# Überblick — ü"'); // not \u-escaped, as Jupyter writes it
    expect(text.startsWith('{\n "cells": [\n')).toBe(true); // sorted keys, indent 1
    const clean = readNotebook(file);
    expect(clean).toEqual(strippedNotebook(dirty));
    expect((clean.cells[1].metadata as { tags: string[] }).tags).toEqual(['keep']);
    expect(clean.cells.map((c) => c.id)).toEqual([dirty.cells[0].id, dirty.cells[1].id, 'cell-3']);
    expect(stripNotebook(file)).toBe(false);
    expect(fs.readdirSync(dir)).toEqual(['dirty.ipynb']); // no temporary files left
  });
});
