/**
 * The quick tables carry the SMOKE TEST banner claims.md has: they put the paper's values beside
 * numbers from one seed and two epochs on subsets, a comparison those numbers cannot bear.
 */
import { describe, expect, it } from 'vitest';
import { chooseAll } from '../../lib/study/run/dataChoice';
import { expandPlan, type PlanInputs } from '../../lib/study/run/plan';
import { SMOKE_LABEL } from '../../lib/study/report/claims';
import { renderTable, smokeBanner } from '../../lib/study/report/tabulate';
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
