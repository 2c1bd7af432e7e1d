/**
 * HTML tables for notebooks: a preview of a danfojs DataFrame (or anything with `columns`
 * and row-major `values`) that renders in Jupyter, in nbconvert's export, and without any
 * script. tslab has no rich display for DataFrames (it prints `df.toString()`'s box drawing),
 * so `showTable` (notebook.ts) displays this instead.
 */

/** The structural part of a danfojs DataFrame we read: `df.columns`, `df.values`, `df.index`. */
export interface TableLike {
  columns: readonly string[];
  /** Row-major cells: values[row][column] (a one-column frame may give plain values). */
  values: readonly unknown[];
  /** Row labels; default 0..n-1. */
  index?: readonly unknown[];
}

export interface TableOptions {
  /** Rows shown: the first maxRows (default 10); a final row says how many were left out. */
  maxRows?: number;
  /** Significant digits of numbers (default 6). */
  digits?: number;
  caption?: string;
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

function cell(v: unknown, digits: number): string {
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(digits)));
  if (v === null || v === undefined) return '';
  if (v instanceof Date) return v.toISOString();
  return String(v);
}

/** `<table>` HTML of the first rows of `t` (pandas-like `dataframe` class for notebook CSS). */
export function tableHtml(t: TableLike, opts: TableOptions = {}): string {
  const maxRows = opts.maxRows ?? 10;
  const digits = opts.digits ?? 6;
  const n = t.values.length;
  const shown = t.values.slice(0, maxRows);
  const head = `<tr><th></th>${t.columns.map((c) => `<th>${escapeHtml(String(c))}</th>`).join('')}</tr>`;
  const rows = shown.map((row, i) => {
    const label = t.index?.[i] ?? i;
    const cells = Array.isArray(row) ? (row as unknown[]) : [row];
    return `<tr><th>${escapeHtml(String(label))}</th>${cells.map((v) => `<td>${escapeHtml(cell(v, digits))}</td>`).join('')}</tr>`;
  });
  if (n > shown.length) rows.push(`<tr><td colspan="${t.columns.length + 1}">… ${n - shown.length} more row(s)</td></tr>`);
  const caption = opts.caption ? `<caption>${escapeHtml(opts.caption)}</caption>` : '';
  return `<table class="dataframe dive-table" border="1">${caption}<thead>${head}</thead><tbody>${rows.join('')}</tbody></table>`;
}
