/**
 * Writing a reproduction's derived outputs from (plan inputs, run records):
 *
 *   <out>/tables/<name>.csv, <name>.md     tabulate.ts (deterministic: merged shards are
 *                                         byte-identical to an unsharded run)
 *   <out>/figures/<name>.html             standalone offline pages (plotly inlined): the paper's
 *                                         figures ('figures') and the selected experiments' table
 *                                         figures (e.g. sparse-rho's MCC against ρ)
 *   <out>/figures/<name>.svg, .png        static images via headless Chromium (lib/plot/static),
 *                                         skipped with a note when Chromium is missing
 *   <out>/claims.csv, claims.md           the paper's claims as tested hypotheses (claims.ts)
 *   <out>/summary.json                    plan, data choices, tuning, run counts, every table cell, the claims
 *
 * The tables and figures folders are rebuilt as a whole (writeDirAtomic), so files of
 * experiments no longer selected do not linger.
 */
import * as path from 'node:path';
import { writeFigure } from '../../plot/html';
import { StaticRenderer, writeStaticFigure } from '../../plot/static';
import { writeDirAtomic, writeFileAtomic } from '../../util/atomic';
import { buildFigures, tableLineFigure } from './figures';
import { expandPlan, type PlanInputs } from '../run/plan';
import { renderTable, type RenderedTable } from './tabulate';
import type { RunRecord } from '../spec/types';
import { PAPER_CITATION, PAPER_PROVENANCE } from '../spec/paper';
import { claimsTable } from './claims';

export interface OutputOptions {
  /** Render static copies of every figure (needs Chromium). Default true. */
  readonly images?: boolean;
  /** Which static formats (each costs one Chromium page load per figure). Default ['svg', 'png']. */
  readonly imageFormats?: readonly ('svg' | 'png')[];
  /** Diagnostics (one line each). */
  readonly log?: (line: string) => void;
}

export interface OutputReport {
  readonly tables: string[];
  readonly figures: string[];
  /** Figures that could not be drawn (their run is missing), and why. */
  readonly figuresMissing: string[];
  /** Why static images were not written, when they were not. */
  readonly imagesNote?: string;
  /** Planned runs without a record. */
  readonly missingRuns: string[];
  readonly summaryFile: string;
  /** The claims table (Markdown; the CSV beside it). */
  readonly claimsFile: string;
}

/** Write tables, figures and summary.json for the plan into `out`. */
export async function writeOutputs(out: string, inputs: PlanInputs, records: ReadonlyMap<string, RunRecord>, options: OutputOptions = {}): Promise<OutputReport> {
  const log = options.log ?? (() => undefined);
  const plan = expandPlan(inputs);
  const rendered: RenderedTable[] = plan.tables.map((t) => renderTable(t, inputs, records));
  const claims = claimsTable(inputs, records);
  await writeDirAtomic(path.join(out, 'tables'), (dir) => {
    for (const t of rendered) {
      writeFileAtomic(path.join(dir, `${t.name}.csv`), t.csv);
      writeFileAtomic(path.join(dir, `${t.name}.md`), t.markdown);
    }
  });
  writeFileAtomic(path.join(out, 'claims.csv'), claims.csv);
  writeFileAtomic(path.join(out, 'claims.md'), claims.markdown);

  const wantFigures = plan.experiments.some((e) => e.name === 'figures');
  const paperFigs = wantFigures ? buildFigures(inputs, records) : { figures: [], missing: [] };
  // Line figures declared by the selected experiments, drawn from their rendered tables.
  const tableFigs = plan.experiments.flatMap((e) => {
    const t = e.table && rendered.find((r) => r.name === e.table!.name);
    return e.table && t ? (e.figures ?? []).map((f) => ({ name: f.name, title: f.title, figure: tableLineFigure(f, e.table!, t.cells, inputs.protocol) })) : [];
  });
  const figs = { figures: [...paperFigs.figures, ...tableFigs], missing: paperFigs.missing };
  let imagesNote: string | undefined = figs.figures.length > 0 ? undefined : "figures not selected (--only without 'figures')";
  await writeDirAtomic(path.join(out, 'figures'), async (dir) => {
    for (const f of figs.figures) writeFigure(f.figure, path.join(dir, `${f.name}.html`), { title: f.title });
    if (figs.figures.length === 0 || options.images === false) {
      if (options.images === false) imagesNote = 'static images not requested (--html-only)';
      return;
    }
    let renderer: StaticRenderer | undefined;
    try {
      renderer = await StaticRenderer.start();
      const formats = options.imageFormats ?? ['svg', 'png'];
      for (const f of figs.figures) {
        for (const ext of formats) await writeStaticFigure(f.figure, path.join(dir, `${f.name}.${ext}`), { renderer });
      }
    } catch (err) {
      imagesNote = `static images skipped: ${(err as Error).message.split('\n')[0]}`;
      log(imagesNote);
    } finally {
      await renderer?.close();
    }
  });

  const missingRuns = plan.runs.filter((r) => !records.has(r.id)).map((r) => r.id);
  const used = plan.runs.map((r) => records.get(r.id)).filter((r): r is RunRecord => r !== undefined);
  const versions = [...new Set(used.map((r) => (r.code ? `${r.code.commit.slice(0, 12)}/lib:${r.code.libSha256.slice(0, 12)}` : 'unrecorded')))].sort();
  if (versions.length > 1) {
    log(`warning: the runs of these tables come from ${versions.length} versions of the code (${versions.join(', ')}); delete ${path.join(out, 'runs')} (or the stale records) to rerun them with the current code`);
  }
  const summary = {
    schema: 1,
    paper: { citation: PAPER_CITATION, provenance: PAPER_PROVENANCE },
    protocol: inputs.protocol,
    experiments: plan.experiments.map((e) => e.name),
    data: inputs.choices,
    dataSources: Object.fromEntries(used.map((r) => [r.data.name, { source: r.data.source, sha256: r.data.sha256 ?? null, protocol: r.data.protocol }])),
    backends: [...new Set(used.map((r) => r.backend))].sort(),
    codeVersions: versions,
    runs: { planned: plan.runs.length, finished: used.length, missing: missingRuns, trainSeconds: Number(used.reduce((s, r) => s + r.seconds, 0).toFixed(1)) },
    tuning: inputs.tuning ?? null,
    tables: Object.fromEntries(rendered.map((t) => [t.name, t.cells])),
    claims: { smokeTest: claims.smokeTest, rows: claims.rows },
    figures: figs.figures.map((f) => f.name),
    figuresMissing: figs.missing,
    imagesNote: imagesNote ?? null,
  };
  const summaryFile = path.join(out, 'summary.json');
  writeFileAtomic(summaryFile, `${JSON.stringify(summary, null, 2)}\n`);
  return { tables: rendered.map((t) => t.name), claimsFile: path.join(out, 'claims.md'), figures: figs.figures.map((f) => f.name), figuresMissing: figs.missing, imagesNote, missingRuns, summaryFile };
}
