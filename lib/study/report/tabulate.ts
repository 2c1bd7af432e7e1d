/**
 * Tables from run records: every cell is mean ± sample std of one metric over a variant's seeds,
 * beside the paper's value where it reports one. Output is a pure function of (plan, records) —
 * no timestamps, no timings, no paths — so merged shards give byte-identical tables.
 *
 * CSV columns: `row`, then per table column `<key>_mean, <key>_std, <key>_n, <key>_paper`
 * (full precision; empty when not applicable), and `<key>_rel_diff` (mean / paper − 1) after
 * them for columns with `paperDelta`, and `<key>_chosen` (the chosen candidate's label) for
 * columns with selecting cells. Markdown: the table with "mean ± std" cells (a selecting cell
 * names its choice: "0.91 ± 0.02 (l1reg 0.1)"), "(paper)" and "Δ vs paper" side columns, then
 * the notes (data used, protocol differences, every candidate's criterion of the selecting
 * cells, provenance, how many runs of each row converged by early stopping).
 */
import { mean, sampleStd } from '../../eval/stats';
import { PAPER_PROVENANCE, formatPaperValue } from '../spec/paper';
import { cellRunIds, type PlanInputs } from '../run/plan';
import { metricCard } from '../../train/metrics';
import type { CellSpec, MetricKey, Protocol, RowSpec, RunRecord, TableSpec, Variant } from '../spec/types';
import { SMOKE_LABEL } from './claims';

/**
 * The banner of a table made under a protocol other than the full one (as claims.md has): its
 * numbers come from a few seeds and epochs on data subsets, and the paper's values beside them
 * invite a comparison they cannot bear. Null for the full protocol.
 */
export function smokeBanner(p: Protocol): string | null {
  if (p.name === 'full') return null;
  return `> ${SMOKE_LABEL}: protocol '${p.name}' (${p.seeds} seed(s), ≤ ${p.epochs} epochs, data subsets) exercises the pipeline; its numbers are not estimates and are not comparable with the paper's values beside them.`;
}

/** The numbers behind one cell. */
export interface CellSummary {
  /** Runs expected (seeds; a selecting cell: seeds × candidates). */
  readonly expected: number;
  /** Runs whose record is present. */
  readonly present: number;
  /** Metric values of the present runs where the metric applies (a selecting cell: the chosen candidate's). */
  readonly values: readonly number[];
  readonly mean?: number;
  /** Sample std (n − 1); undefined for fewer than 2 values. */
  readonly std?: number;
  /** A selecting cell: the label of the chosen candidate (undefined while no candidate has a criterion value). */
  readonly chosen?: string;
  /** A selecting cell: each candidate's criterion mean over its seeds present, in candidate order. */
  readonly criteria?: readonly { readonly label: string; readonly mean?: number; readonly n: number }[];
}

/** One metric of one variant over the protocol's seeds. */
function summariseRuns(variant: Variant, metric: MetricKey, inputs: PlanInputs, records: ReadonlyMap<string, RunRecord>): CellSummary {
  const ids = cellRunIds(variant, inputs);
  const present = ids.map((id) => records.get(id)).filter((r): r is RunRecord => r !== undefined);
  const values = present.map((r) => r.metrics[metric]).filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  if (values.length === 0) return { expected: ids.length, present: present.length, values };
  const std = values.length > 1 ? sampleStd(values) : undefined;
  return { expected: ids.length, present: present.length, values, mean: mean(values), std };
}

/**
 * A cell's numbers: mean ± std of its metric over the seeds; for a selecting cell (CellSpec
 * `select`), those of the candidate with the best mean criterion (the criterion card's direction;
 * the earlier candidate on a tie).
 */
export function summariseCell(cell: CellSpec, inputs: PlanInputs, records: ReadonlyMap<string, RunRecord>): CellSummary {
  if (!cell.select) return summariseRuns(cell.variant, cell.metric, inputs, records);
  const { candidates, criterion } = cell.select;
  const better = metricCard(criterion).better;
  if (better === null) throw new Error(`selection criterion '${criterion}' has no better direction; choose a metric card with better 'lower' or 'higher'`);
  const crit = candidates.map((c) => summariseRuns(c.variant, criterion, inputs, records));
  const criteria = candidates.map((c, i) => ({ label: c.label, mean: crit[i].mean, n: crit[i].values.length }));
  let best = -1;
  criteria.forEach((c, i) => {
    if (c.mean === undefined) return;
    const b = best < 0 ? undefined : criteria[best].mean!;
    if (b === undefined || (better === 'higher' ? c.mean > b : c.mean < b)) best = i;
  });
  const expected = crit.reduce((s, c) => s + c.expected, 0);
  const present = crit.reduce((s, c) => s + c.present, 0);
  if (best < 0) return { expected, present, values: [], criteria };
  const chosen = summariseRuns(candidates[best].variant, cell.metric, inputs, records);
  return { ...chosen, expected, present, chosen: candidates[best].label, criteria };
}

/** Markdown text of a cell: "0.1234 ± 0.0056", "0.1234 (n=1)", "n/a", "missing (0/3 runs)"; a selecting cell adds its choice, "0.1234 ± 0.0056 (l1reg 0.1)". */
export function formatCell(s: CellSummary, digits: number): string {
  if (s.present === 0) return `missing (0/${s.expected} runs)`;
  if (s.mean === undefined) return 'n/a';
  const core = s.std === undefined ? `${s.mean.toFixed(digits)} (n=1)` : `${s.mean.toFixed(digits)} ± ${s.std.toFixed(digits)}`;
  const choice = s.chosen === undefined ? core : `${core} (${s.chosen})`;
  return s.present < s.expected ? `${choice} [${s.present}/${s.expected} runs]` : choice;
}

/** The `rowChange` note: each named column's mean in the two rows and the difference. */
function rowChangeNote(table: TableSpec, cells: RenderedTable['cells']): string[] {
  const rc = table.rowChange;
  if (!rc) return [];
  const parts = rc.columns.map((key) => {
    const title = table.columns.find((c) => c.key === key)?.title ?? key;
    const digits = table.columns.find((c) => c.key === key)?.digits ?? 4;
    const a = cells[rc.from]?.[key]?.mean, b = cells[rc.to]?.[key]?.mean;
    if (a === null || a === undefined || b === null || b === undefined) return `${title} n/a`;
    const d = b - a;
    return `${title} ${a.toFixed(digits)} → ${b.toFixed(digits)} (${d >= 0 ? '+' : '−'}${Math.abs(d).toFixed(digits)})`;
  });
  return [`From ${rc.from} to ${rc.to} (this table's means): ${parts.join('; ')}.`];
}

/** "Selection" notes of a table's selecting columns: per cell, every candidate's criterion mean, the chosen one starred. */
function selectionCriteriaNotes(table: TableSpec, summaries: ReadonlyMap<string, CellSummary>): string[] {
  const notes: string[] = [];
  for (const c of table.columns) {
    const parts: string[] = [];
    let criterion: string | undefined;
    for (const row of table.rows) {
      const cell = row.cells[c.key];
      const s = summaries.get(`${row.label}\u0000${c.key}`);
      if (!cell?.select || !s?.criteria) continue;
      criterion = cell.select.criterion;
      parts.push(`${row.label}: ${s.criteria.map((k) => `${k.label} ${k.mean === undefined ? 'n/a' : k.mean.toPrecision(4)}${k.label === s.chosen ? '*' : ''}`).join(', ')}`);
    }
    if (criterion !== undefined) notes.push(`Selection, ${c.title} (mean ${metricCard(criterion).label} over the seeds per candidate; * = chosen): ${parts.join('; ')}.`);
  }
  return notes;
}

function csvField(v: string): string {
  return /[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

function num(v: number | undefined): string {
  return v === undefined ? '' : String(v);
}

function mdEscape(s: string): string {
  return s.replace(/\|/g, '\\|');
}

export interface RenderedTable {
  readonly name: string;
  readonly csv: string;
  readonly markdown: string;
  /** Cells by row label → column key, for summary.json. */
  readonly cells: Record<string, Record<string, { mean: number | null; std: number | null; n: number; expected: number; paper: number | null; chosen?: string | null }>>;
  /** Cells with fewer runs than expected. */
  readonly missingRuns: number;
}

function paperOf(row: RowSpec, key: string): { value: number; approximate?: boolean } | undefined {
  return row.paperOnly?.[key] ?? row.cells[key]?.paper;
}

/**
 * Checkpoint-selection provenance of a table's runs: each run's selected epoch (0 = the
 * untrained model, a candidate for every model) and a flag for runs whose selected weights
 * forecast the validation split no better than the untrained model did.
 */
export function selectionNotes(table: TableSpec, inputs: PlanInputs, records: ReadonlyMap<string, RunRecord>): string[] {
  const epochs: string[] = [];
  const flagged: string[] = [];
  const converged: string[] = [];
  const capped: string[] = [];
  for (const row of table.rows) {
    // A cell that selects among candidates (a regularisation sweep) counts every candidate's runs.
    const variants = Object.values(row.cells).flatMap((c) => (c ? (c.select ? c.select.candidates.map((k) => k.variant) : [c.variant]) : []));
    const ids = [...new Set(variants.flatMap((v) => cellRunIds(v, inputs)))];
    const all = ids.map((id) => records.get(id)).filter((r): r is RunRecord => r !== undefined);
    const runs = all.filter((r) => typeof r.metrics.bestEpoch === 'number');
    if (runs.length) epochs.push(`${row.label} ${runs.map((r) => r.metrics.bestEpoch).join(', ')}`);
    const bad = runs.filter((r) => r.metrics.improvedOnInitial === 0).map((r) => r.spec.seed);
    if (bad.length) flagged.push(`${row.label} (seed ${bad.join(', ')})`);
    // Pipelines with their own stopping rules (Detaux: every stage by its criterion) record
    // `converged` without a selected epoch; they are counted here too.
    const known = all.filter((r) => r.metrics.converged === 0 || r.metrics.converged === 1);
    if (known.length) {
      converged.push(`${row.label} ${known.filter((r) => r.metrics.converged === 1).length}/${known.length}`);
      const cap = known.filter((r) => r.metrics.converged === 0).map((r) => r.spec.seed);
      if (cap.length) capped.push(`${row.label} (seed ${cap.join(', ')})`);
    }
  }
  const notes: string[] = [];
  if (epochs.length) notes.push(`Selected epoch per run (best validation forecast MSE; 0 = the untrained model, a candidate for every model): ${epochs.join('; ')}.`);
  if (converged.length) notes.push(`Converged by early stopping (runs per row): ${converged.join('; ')}.`);
  if (capped.length) notes.push(`NOT CONVERGED: these runs hit the epoch cap while still improving on validation, so their cells are budget-limited, not converged results: ${capped.join('; ')}.`);
  if (flagged.length) notes.push(`NOT IMPROVED: the selected checkpoint forecasts the validation split no better than the untrained model (persistence through the highway) for ${flagged.join('; ')}; those cells measure the initial forecaster, not training.`);
  return notes;
}


/** The runs behind a row's forecast-RRSE cells, by the data, horizon and windows they ran on. */
function forecastRunsByTarget(row: RowSpec, inputs: PlanInputs, records: ReadonlyMap<string, RunRecord>): Map<string, RunRecord[]> {
  const out = new Map<string, RunRecord[]>();
  for (const c of Object.values(row.cells)) {
    if (!c || c.metric !== 'forecastRrse') continue;
    for (const id of cellRunIds(c.variant, inputs)) {
      const r = records.get(id);
      if (r) out.set(targetKey(r.spec), [...(out.get(targetKey(r.spec)) ?? []), r]);
    }
  }
  return out;
}

function targetKey(spec: RunRecord['spec']): string {
  return JSON.stringify([spec.data, spec.horizon, spec.protocol ?? null, spec.maxWindows]);
}

const meanOf = (runs: readonly RunRecord[], key: string): number | null => {
  const v = runs.map((r) => r.metrics[key]).filter((x): x is number => typeof x === 'number' && Number.isFinite(x));
  return v.length === runs.length && v.length > 0 ? mean(v) : null;
};

/**
 * Each learned row against persistence on the same data, horizon and windows (a run of it among
 * the records, from this table or another): the rows whose mean test forecast RRSE, or mean
 * validation forecast MSE, is not below persistence's — the bar every learned forecaster should
 * clear (docs/design.md, "Training recipe"). Rows without trained parameters are references,
 * not compared.
 */
export function persistenceNotes(table: TableSpec, inputs: PlanInputs, records: ReadonlyMap<string, RunRecord>): string[] {
  if (!table.rows.some((row) => Object.values(row.cells).some((c) => c?.metric === 'forecastRrse'))) return [];
  const persistence = new Map<string, RunRecord[]>();
  for (const r of records.values()) {
    if (r.spec?.model === 'persistence' && r.spec.stage === undefined) persistence.set(targetKey(r.spec), [...(persistence.get(targetKey(r.spec)) ?? []), r]);
  }
  const groups = new Map<string, { test: string[]; val: string[]; unknown: string[]; rows: number }>();
  for (const row of table.rows) {
    for (const [key, runs] of forecastRunsByTarget(row, inputs, records)) {
      if (!runs.some((r) => typeof r.metrics.bestEpoch === 'number')) continue;
      const g = groups.get(key) ?? { test: [], val: [], unknown: [], rows: 0 };
      groups.set(key, g);
      g.rows++;
      const ref = persistence.get(key);
      if (!ref) continue;
      const [t, pt] = [meanOf(runs, 'forecastRrse'), meanOf(ref, 'forecastRrse')];
      const [v, pv] = [meanOf(runs, 'valForecastMse'), meanOf(ref, 'valForecastMse')];
      if (t !== null && pt !== null && !(t < pt)) g.test.push(`${row.label} (${t.toFixed(4)})`);
      if (v === null || pv === null) g.unknown.push(row.label);
      else if (!(v < pv)) g.val.push(`${row.label} (${v.toFixed(4)})`);
    }
  }
  const notes: string[] = [];
  for (const [key, g] of groups) {
    const [data, horizon] = JSON.parse(key) as [string, number];
    const where = `${data} at h = ${horizon}`;
    const ref = persistence.get(key);
    if (!ref) {
      notes.push(`Against persistence: no persistence run on ${where} with these windows among the records, so the learned rows are not compared with it.`);
      continue;
    }
    const pt = meanOf(ref, 'forecastRrse');
    const pv = meanOf(ref, 'valForecastMse');
    const parts = [
      g.test.length ? `not below it on test: ${g.test.join(', ')}` : '',
      g.val.length ? `not below it on validation: ${g.val.join(', ')}` : '',
      g.unknown.length ? `validation error not recorded for ${g.unknown.join(', ')}` : '',
    ].filter((x) => x);
    const level = `test forecast RRSE ${pt === null ? '—' : pt.toFixed(4)}, validation forecast MSE ${pv === null ? 'not recorded' : pv.toFixed(4)}`;
    notes.push(parts.length
      ? `Against persistence on ${where} (${level}; means over seeds): ${parts.join('; ')}; every other learned row is below it on both.`
      : `Against persistence on ${where} (${level}; means over seeds): every learned row (${g.rows}) is below it on test and on validation.`);
  }
  return notes;
}

/** "+2.4 %", "−0.8 %": the relative difference mean / paper − 1. */
export function formatRelDiff(mean: number | undefined, paper: number | undefined): string {
  if (mean === undefined || paper === undefined || paper === 0) return '—';
  const d = (mean / paper - 1) * 100;
  return `${d >= 0 ? '+' : '−'}${Math.abs(d).toFixed(1)} %`;
}

/** Render one table (CSV + Markdown) from the records. */
export function renderTable(table: TableSpec, inputs: PlanInputs, records: ReadonlyMap<string, RunRecord>): RenderedTable {
  const selecting = new Set(table.columns.filter((c) => table.rows.some((r) => r.cells[c.key]?.select)).map((c) => c.key));
  const csvHeader = ['row', ...table.columns.flatMap((c) => [`${c.key}_mean`, `${c.key}_std`, `${c.key}_n`, `${c.key}_paper`, ...(c.paperDelta ? [`${c.key}_rel_diff`] : []), ...(selecting.has(c.key) ? [`${c.key}_chosen`] : [])])];
  const summaries = new Map<string, CellSummary>();
  const csvRows: string[] = [csvHeader.map(csvField).join(',')];
  const mdHeader = [table.rowHeader ?? 'model', ...table.columns.flatMap((c) => [c.title, ...(c.paperColumn ? [`${c.title} (paper)`] : []), ...(c.paperDelta ? [`${c.title} Δ vs paper`] : [])])];
  const banner = smokeBanner(inputs.protocol);
  const md: string[] = [`# ${table.title}${banner ? ` — ${SMOKE_LABEL}` : ''}`, '', ...(banner ? [banner, ''] : []), `| ${mdHeader.map(mdEscape).join(' | ')} |`, `|${mdHeader.map((_, i) => (i === 0 ? ' --- ' : ' ---: ')).join('|')}|`];
  const cells: RenderedTable['cells'] = {};
  let missingRuns = 0;
  for (const row of table.rows) {
    const csv: string[] = [row.label];
    const mdRow: string[] = [row.label];
    cells[row.label] = {};
    for (const c of table.columns) {
      const digits = c.digits ?? 4;
      const cell = row.cells[c.key];
      const paper = paperOf(row, c.key);
      let mean: number | undefined;
      let chosen: string | undefined;
      if (cell) {
        const s = summariseCell(cell, inputs, records);
        summaries.set(`${row.label}\u0000${c.key}`, s);
        mean = s.mean;
        chosen = s.chosen;
        missingRuns += s.expected - s.present;
        csv.push(num(s.mean), num(s.std), String(s.values.length), num(paper?.value));
        mdRow.push(formatCell(s, digits));
        cells[row.label][c.key] = { mean: s.mean ?? null, std: s.std ?? null, n: s.values.length, expected: s.expected, paper: paper?.value ?? null, ...(cell.select ? { chosen: s.chosen ?? null } : {}) };
      } else {
        csv.push('', '', '0', num(paper?.value));
        mdRow.push('—');
        if (paper) cells[row.label][c.key] = { mean: null, std: null, n: 0, expected: 0, paper: paper.value };
      }
      if (c.paperDelta) csv.push(mean !== undefined && paper ? String(mean / paper.value - 1) : '');
      if (selecting.has(c.key)) csv.push(chosen ?? '');
      if (c.paperColumn) mdRow.push(formatPaperValue(paper, digits));
      if (c.paperDelta) mdRow.push(formatRelDiff(mean, paper?.value));
    }
    csvRows.push(csv.map(csvField).join(','));
    md.push(`| ${mdRow.map(mdEscape).join(' | ')} |`);
  }
  md.push('', 'Notes:', ...table.notes.map((n) => `- ${n}`), ...rowChangeNote(table, cells).map((n) => `- ${n}`), ...selectionCriteriaNotes(table, summaries).map((n) => `- ${n}`), ...selectionNotes(table, inputs, records).map((n) => `- ${n}`), ...persistenceNotes(table, inputs, records).map((n) => `- ${n}`));
  if (table.columns.some((c) => c.paperColumn)) md.push(`- Paper values: ${table.paperProvenance ?? PAPER_PROVENANCE}.`);
  if (missingRuns > 0) md.push(`- ${missingRuns} run(s) of this table are missing; run 'dive reproduce' again (finished runs are kept) or 'dive merge' the other shards.`);
  return { name: table.name, csv: `${csvRows.join('\n')}\n`, markdown: `${md.join('\n')}\n`, cells, missingRuns };
}
