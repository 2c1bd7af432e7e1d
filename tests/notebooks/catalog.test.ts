/** Notebook names, index metadata and the project-local kernelspec (no Jupyter needed). */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listNotebooks, notebookInfo, readNotebook, resolveNotebooks } from '../../lib/notebooks/catalog';
import { jupyterEnv, kernelSpec, kernelSpecPath, tslabPath, writeKernelSpec } from '../../lib/notebooks/kernel';
import { repoRoot } from '../../lib/notebooks/paths';
import { UserError } from '../../lib/util/errors';

let dir: string;
const nb = (cells: unknown[], metadata: Record<string, unknown> = {}): string => JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata, cells });

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dive-nb-cat-'));
  fs.writeFileSync(path.join(dir, '00-tour.ipynb'), nb([{ cell_type: 'code', source: 'x' }, { cell_type: 'markdown', source: ['intro\n', '## Second *level*\n'] }]));
  fs.writeFileSync(path.join(dir, '01-elbo.ipynb'), nb([{ cell_type: 'markdown', source: '# The ELBO' }], { title: 'E1: the joint ELBO' }));
  fs.writeFileSync(path.join(dir, '01-naive-bayes.ipynb'), nb([]));
  fs.writeFileSync(path.join(dir, '.hidden.ipynb'), nb([]));
  fs.writeFileSync(path.join(dir, 'notes.txt'), 'not a notebook');
  fs.writeFileSync(path.join(dir, 'bad.ipynb'), '{ not json');
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('notebook catalog', () => {
  it('lists visible .ipynb files sorted', () => {
    expect(listNotebooks(dir)).toEqual(['00-tour.ipynb', '01-elbo.ipynb', '01-naive-bayes.ipynb', 'bad.ipynb']);
  });

  it('resolves exact names, names without .ipynb and unique prefixes, in the given order', () => {
    expect(resolveNotebooks(dir, ['01-elbo', '00'])).toEqual(['01-elbo.ipynb', '00-tour.ipynb']);
    expect(resolveNotebooks(dir, ['00-tour.ipynb', '00-tour'])).toEqual(['00-tour.ipynb']);
    expect(resolveNotebooks(dir, ['01-n'])).toEqual(['01-naive-bayes.ipynb']);
    expect(resolveNotebooks(dir, [])).toHaveLength(4);
  });

  it('rejects ambiguous and unknown names with the candidates', () => {
    expect(() => resolveNotebooks(dir, ['01'])).toThrow(/ambiguous.*01-elbo\.ipynb, 01-naive-bayes\.ipynb/);
    expect(() => resolveNotebooks(dir, ['zz'])).toThrow(UserError);
    expect(() => resolveNotebooks(dir, ['zz'])).toThrow(/no notebook 'zz'.*have: 00-tour\.ipynb/);
    expect(() => resolveNotebooks(path.join(dir, 'missing'), [])).toThrow(/does not exist/);
  });

  it('names the file when a notebook is not valid JSON', () => {
    expect(() => readNotebook(path.join(dir, 'bad.ipynb'))).toThrow(/bad\.ipynb is not a readable notebook/);
  });

  it('takes the title from metadata, else the first heading, else the file name', () => {
    expect(notebookInfo(path.join(dir, '01-elbo.ipynb'))).toEqual({ file: '01-elbo.ipynb', stem: '01-elbo', title: 'E1: the joint ELBO', heading: 'The ELBO' });
    expect(notebookInfo(path.join(dir, '00-tour.ipynb'))).toMatchObject({ title: 'Second *level*', heading: 'Second *level*' });
    expect(notebookInfo(path.join(dir, '01-naive-bayes.ipynb'))).toMatchObject({ title: '01-naive-bayes', heading: '' });
  });

  it('the shipped tour notebook declares the tslab kernel and TypeScript', () => {
    const tour = readNotebook(path.join(repoRoot(), 'notebooks', '00-tour.ipynb'));
    expect(tour.metadata.kernelspec?.name).toBe('tslab');
    expect((tour.metadata.kernelspec as { language?: string }).language).toBe('typescript');
    expect(tour.cells.every((c) => c.cell_type !== 'code' || (c.outputs ?? []).length === 0)).toBe(true); // sources are stored without outputs
  });
});

describe('project-local kernel', () => {
  it('points at this Node and the project tslab, with the connection-file placeholder', () => {
    const spec = kernelSpec();
    expect(spec.argv).toEqual([process.execPath, '{resource_dir}/../../../node_modules/tslab/bin/tslab', 'kernel', '--config-path', '{connection_file}']);
    // Jupyter replaces {resource_dir} by the spec's folder, .jupyter/kernels/tslab: that names the project's tslab.
    expect(path.resolve(path.dirname(kernelSpecPath()), spec.argv[1].replace('{resource_dir}/', ''))).toBe(tslabPath());
    expect(fs.existsSync(tslabPath())).toBe(true);
    expect(spec.language).toBe('typescript');
    const file = writeKernelSpec();
    expect(file).toBe(path.join(repoRoot(), '.jupyter', 'kernels', 'tslab', 'kernel.json'));
    expect(kernelSpecPath()).toBe(file);
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toEqual(spec);
  });

  it('keeps every Jupyter folder inside the project and passes DIVE_* through', () => {
    const env = jupyterEnv(repoRoot(), { DIVE_QUICK: '1', HOME: '/home/x' });
    const jup = path.join(repoRoot(), '.jupyter');
    expect(env.DIVE_QUICK).toBe('1');
    for (const k of ['JUPYTER_PATH', 'JUPYTER_DATA_DIR', 'JUPYTER_CONFIG_DIR', 'JUPYTER_RUNTIME_DIR']) {
      expect(env[k]?.startsWith(jup), k).toBe(true);
    }
  });
});
