/**
 * Notebook files in a folder: listing, resolving the names a user types (`00-tour`, `00`,
 * `00-tour.ipynb`), and reading what an index page shows about each (title, first heading).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { UserError } from '../util/errors';

/** The part of nbformat 4 we read. */
export interface NotebookJson {
  nbformat: number;
  /** Minor version; from 5 on every cell has a unique `id`. */
  nbformat_minor?: number;
  metadata: { title?: string; kernelspec?: { name?: string }; [k: string]: unknown };
  cells: { cell_type: string; id?: string; source: string | string[]; outputs?: unknown[]; [k: string]: unknown }[];
}

/** `*.ipynb` files directly in `dir`, sorted by name. Hidden files are ignored. */
export function listNotebooks(dir: string): string[] {
  if (!fs.existsSync(dir)) throw new UserError(`notebook folder ${dir} does not exist`);
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.ipynb') && !f.startsWith('.'))
    .sort();
}

/**
 * Resolve user-typed names to notebook file names in `dir`. A name matches a file exactly,
 * with `.ipynb` added, or as the unique prefix of one file name. No names: every notebook.
 * Unknown or ambiguous names are a UserError listing the candidates.
 */
export function resolveNotebooks(dir: string, names: readonly string[]): string[] {
  const all = listNotebooks(dir);
  if (names.length === 0) {
    if (all.length === 0) throw new UserError(`no notebooks (*.ipynb) in ${dir}`);
    return all;
  }
  const picked: string[] = [];
  for (const name of names) {
    const base = path.basename(name);
    const exact = all.find((f) => f === base || f === `${base}.ipynb`);
    const matches = exact ? [exact] : all.filter((f) => f.startsWith(base));
    if (matches.length === 0) {
      throw new UserError(`no notebook '${name}' in ${dir} (have: ${all.join(', ') || 'none'})`);
    }
    if (matches.length > 1) {
      throw new UserError(`notebook name '${name}' is ambiguous in ${dir}: ${matches.join(', ')} (type more of the name)`);
    }
    if (!picked.includes(matches[0])) picked.push(matches[0]);
  }
  return picked;
}

/** Parse a notebook file; a UserError names the file when it is not nbformat 4 JSON. */
export function readNotebook(file: string): NotebookJson {
  let nb: NotebookJson;
  try {
    nb = JSON.parse(fs.readFileSync(file, 'utf8')) as NotebookJson;
  } catch (err) {
    throw new UserError(`${file} is not a readable notebook (${(err as Error).message}); fix or re-save it in Jupyter`);
  }
  if (nb?.nbformat !== 4 || !Array.isArray(nb.cells)) {
    throw new UserError(`${file} is not an nbformat 4 notebook (nbformat=${String(nb?.nbformat)}); re-save it with Jupyter`);
  }
  return nb;
}

export function cellSource(cell: NotebookJson['cells'][number]): string {
  return Array.isArray(cell.source) ? cell.source.join('') : cell.source;
}

/** What an index page lists about one notebook. */
export interface NotebookInfo {
  /** File name, e.g. "00-tour.ipynb". */
  file: string;
  /** File name without `.ipynb`. */
  stem: string;
  /** `metadata.title` if set, else the first Markdown heading, else the stem. */
  title: string;
  /** Text of the first Markdown heading (any level), or "" if there is none. */
  heading: string;
}

export function notebookInfo(file: string): NotebookInfo {
  const nb = readNotebook(file);
  let heading = '';
  for (const cell of nb.cells) {
    if (cell.cell_type !== 'markdown') continue;
    const m = /^\s{0,3}#{1,6}\s+(.+?)\s*#*\s*$/m.exec(cellSource(cell));
    if (m) {
      heading = m[1];
      break;
    }
  }
  const stem = path.basename(file).replace(/\.ipynb$/, '');
  const title = typeof nb.metadata?.title === 'string' && nb.metadata.title.trim() ? nb.metadata.title.trim() : heading || stem;
  return { file: path.basename(file), stem, title, heading };
}
