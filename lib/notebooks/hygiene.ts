/**
 * Hygiene of committed notebooks: a notebook in git is a *source* — what a researcher edits
 * in Jupyter — so it carries no outputs, no execution counts, imports the library only by its
 * package name (`'divelab'`, never compiled files under `dist/`), declares the project's tslab
 * kernel, and cites no file outside the repository. `checkNotebook` lists every violation;
 * `stripNotebook` removes the run state (outputs, counts) and nothing else, written back in
 * Jupyter's own layout (sorted keys, one-space indent) so a later save in Jupyter changes no
 * bytes. Executed copies belong in `out/notebooks/` (`dive notebooks run`).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomic } from '../util/atomic';
import { cellSource, readNotebook, type NotebookJson } from './catalog';
import { KERNEL_NAME } from './kernel';

/** One hygiene violation, with the 1-based cell number when it belongs to a cell. */
export interface HygieneIssue {
  readonly cell: number | null;
  readonly problem: string;
}

/** An import or require of compiled files (`../dist/lib/...`, `dist/...`). */
const DIST_IMPORT = /(?:from\s+|require\(\s*|import\(\s*)['"](?:\.{1,2}\/)*dist\//;
/**
 * Paths that exist only on some machine or beside the repository: absolute home/work folders
 * and the sibling `shared/` folder (cite `docs/paper.md` instead).
 */
const FOREIGN_PATH = /(?:^|[\s`'"(])(?:\/work\/|\/home\/|\/root\/|\/Users\/|[A-Z]:\\Users\\|(?:\.\.\/)+shared\/)/;

/** Every hygiene violation of one parsed notebook (empty when it is clean). */
export function notebookIssues(nb: NotebookJson): HygieneIssue[] {
  const issues: HygieneIssue[] = [];
  const kernel = nb.metadata?.kernelspec?.name;
  if (kernel !== KERNEL_NAME) issues.push({ cell: null, problem: `kernelspec is '${String(kernel)}', not '${KERNEL_NAME}' (choose the divelab tslab kernel in Jupyter)` });
  const needsIds = (nb.nbformat_minor ?? 0) >= 5;
  const seen = new Set<string>();
  nb.cells.forEach((cell, i) => {
    const n = i + 1;
    if (needsIds) {
      // nbformat 4.5: every cell has a unique id; Jupyter invents random ones on save otherwise.
      if (typeof cell.id !== 'string' || !cell.id) issues.push({ cell: n, problem: "has no cell id (nbformat 4.5; 'dive notebooks check --strip' adds one)" });
      else if (seen.has(cell.id)) issues.push({ cell: n, problem: `repeats the cell id '${cell.id}'` });
      else seen.add(cell.id);
    }
    if (cell.cell_type === 'code') {
      if (Array.isArray(cell.outputs) && cell.outputs.length > 0) issues.push({ cell: n, problem: `has ${cell.outputs.length} output(s)` });
      if (cell.execution_count !== null && cell.execution_count !== undefined) issues.push({ cell: n, problem: `has execution count ${String(cell.execution_count)}` });
    }
    const lines = cellSource(cell).split('\n');
    lines.forEach((line, j) => {
      if (cell.cell_type === 'code' && DIST_IMPORT.test(line)) issues.push({ cell: n, problem: `line ${j + 1} imports compiled files (${line.trim()}); import from 'divelab' instead` });
      if (FOREIGN_PATH.test(line)) issues.push({ cell: n, problem: `line ${j + 1} names a path outside the repository (${line.trim().slice(0, 80)}); cite docs/paper.md or a repository path` });
    });
  });
  return issues;
}

/** Hygiene violations of a notebook file (a malformed file is a UserError from readNotebook). */
export function checkNotebook(file: string): HygieneIssue[] {
  return notebookIssues(readNotebook(file));
}

/** One line per violation: `NAME.ipynb cell N: problem`. */
export function formatIssues(file: string, issues: readonly HygieneIssue[]): string[] {
  const name = path.basename(file);
  return issues.map((i) => `${name}${i.cell === null ? '' : ` cell ${i.cell}`}: ${i.problem}`);
}

/**
 * A copy of the notebook without outputs and execution counts; cells of an nbformat ≥ 4.5
 * notebook that lack an id get a deterministic one (`cell-N`, N the 1-based position, made
 * unique). Everything else is unchanged.
 */
export function strippedNotebook(nb: NotebookJson): NotebookJson {
  const used = new Set(nb.cells.map((c) => c.id).filter((id): id is string => typeof id === 'string' && id !== ''));
  const freshId = (n: number): string => {
    let id = `cell-${n}`;
    while (used.has(id)) id += '-';
    used.add(id);
    return id;
  };
  const needsIds = (nb.nbformat_minor ?? 0) >= 5;
  return {
    ...nb,
    cells: nb.cells.map((cell, i) => {
      const withId = needsIds && (typeof cell.id !== 'string' || !cell.id) ? { ...cell, id: freshId(i + 1) } : cell;
      return withId.cell_type === 'code' ? { ...withId, outputs: [], execution_count: null } : withId;
    }),
  };
}

/** Jupyter's own serialisation (nbformat's `writes`): sorted keys, indent 1, trailing newline. */
export function serialiseNotebook(nb: NotebookJson): string {
  return `${JSON.stringify(sortKeys(nb), null, 1)}\n`;
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v as object).sort()) out[k] = sortKeys((v as Record<string, unknown>)[k]);
    return out;
  }
  return v;
}

/**
 * Strip outputs and execution counts from a notebook file in place (atomically). Returns true
 * when the file changed. Jupyter's JSON escapes no non-ASCII characters, and neither does this.
 */
export function stripNotebook(file: string): boolean {
  const before = fs.readFileSync(file, 'utf8');
  const after = serialiseNotebook(strippedNotebook(readNotebook(file)));
  if (after === before) return false;
  writeFileAtomic(file, after);
  return true;
}
