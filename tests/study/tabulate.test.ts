/**
 * The quick tables carry the SMOKE TEST banner claims.md has: they put the paper's values beside
 * numbers from one seed and two epochs on subsets, a comparison those numbers cannot bear.
 */
import { describe, expect, it } from 'vitest';
import { chooseAll } from '../../lib/study/run/dataChoice';
import { expandPlan, type PlanInputs } from '../../lib/study/run/plan';
import { SMOKE_LABEL } from '../../lib/study/report/claims';
import { persistenceNotes, renderTable, smokeBanner } from '../../lib/study/report/tabulate';
import type { RunRecord } from '../../lib/study/spec/types';
import { FULL, QUICK } from '../../lib/study/spec/protocol';

const real = (): boolean => true;
const inputs = (protocol = FULL): PlanInputs => ({ protocol, only: ['gait'], choices: chooseAll(real) });

describe('tables of a smoke-test protocol', () => {
  it('carry the SMOKE TEST label in the title and a banner naming the protocol; full-protocol tables do not', () => {
    const quick = inputs(QUICK);
    const table = expandPlan(quick).tables.find((t) => t.columns.some((c) => c.paperColumn))!;
    expect(table).toBeDefined();
    const md = renderTable(table, quick, new Map()).markdown.split('\n');
    expect(md[0]).toBe(`# ${table.title} — ${SMOKE_LABEL}`);
    expect(md[2]).toBe(smokeBanner(QUICK));
    expect(md[2]).toMatch(/^> SMOKE TEST: verdicts not estimates: protocol 'quick' \(\d+ seed\(s\), ≤ \d+ epochs, data subsets\).*not comparable with the paper's values/);
    const full = renderTable(expandPlan(inputs(FULL)).tables.find((t) => t.name === table.name)!, inputs(FULL), new Map()).markdown;
    expect(full).not.toContain('SMOKE TEST');
    expect(full.split('\n')[0]).toBe(`# ${table.title}`);
    expect(smokeBanner(FULL)).toBeNull();
  });
});

describe('the persistence note of a forecasting table', () => {
  const inp = inputs(FULL);
  const plan = expandPlan(inp);
  const table = plan.tables.find((t) => t.name === 'gait')!;
  const label = (model: string): string => table.rows.find((r) => r.cells.forecast?.variant.model === model)!.label;
  const records = (metrics: (model: string) => Record<string, number | null> | null): Map<string, RunRecord> =>
    new Map(plan.runs.flatMap((run) => {
      const m = metrics(run.spec.model);
      return m ? [[run.id, { schema: 1, id: run.id, spec: run.spec, metrics: m } as unknown as RunRecord]] : [];
    }));
  const learned = (rrse: number, val: number): Record<string, number> => ({ forecastRrse: rrse, valForecastMse: val, bestEpoch: 3 });

  it('names the learned rows not below persistence on test or on validation (means over seeds)', () => {
    const recs = records((m) =>
      m === 'persistence' ? { forecastRrse: 0.5, valForecastMse: 0.4, bestEpoch: null }
        : m === 'beta-tcvae' ? learned(0.55, 0.3)
          : m === 'deepdive-b' ? learned(0.45, 0.41)
            : learned(0.45, 0.3));
    const spec = plan.runs.find((r) => r.spec.model === 'persistence')!.spec;
    expect(persistenceNotes(table, inp, recs)).toEqual([
      `Against persistence on ${spec.data} at h = ${spec.horizon} (test forecast RRSE 0.5000, validation forecast MSE 0.4000; means over seeds): ` +
        `not below it on test: ${label('beta-tcvae')} (0.5500); not below it on validation: ${label('deepdive-b')} (0.4100); every other learned row is below it on both.`,
    ]);
    const all = records((m) => (m === 'persistence' ? { forecastRrse: 0.5, valForecastMse: 0.4, bestEpoch: null } : learned(0.45, 0.3)));
    expect(persistenceNotes(table, inp, all)).toEqual([
      `Against persistence on ${spec.data} at h = ${spec.horizon} (test forecast RRSE 0.5000, validation forecast MSE 0.4000; means over seeds): every learned row (${table.rows.length}) is below it on test and on validation.`,
    ]);
  });

  it('says so when there is no persistence run to compare with, and when a record lacks the validation error', () => {
    const none = records((m) => (m === 'persistence' ? null : learned(0.45, 0.3)));
    expect(persistenceNotes(table, inp, none)).toEqual([expect.stringMatching(/^Against persistence: no persistence run on .* at h = \d+ with these windows among the records/)]);
    const old = records((m): Record<string, number | null> => (m === 'persistence' ? { forecastRrse: 0.5, valForecastMse: 0.4, bestEpoch: null } : { forecastRrse: 0.45, bestEpoch: 3 }));
    expect(persistenceNotes(table, inp, old)[0]).toContain(`validation error not recorded for ${label('deepdive')}`);
  });
});
