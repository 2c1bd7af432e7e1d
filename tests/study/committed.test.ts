/**
 * The committed results folders (docs/results/…) belong to the current code: every run their
 * plan names under today's run ids has its record there. Run ids hash the defaults a spec leaves
 * implicit (lib/study/run/specDefaults.ts), so changing a default orphans the committed records —
 * this test says which folder to re-make (`dive reproduce <its command> --out <folder>`), instead
 * of `dive merge` silently finding none of them.
 */
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { expandPlan } from '../../lib/study/run/plan';
import { readPlanInputs, readRecords } from '../../lib/study/run/store';

const root = path.resolve(__dirname, '../../docs/results');
const FOLDERS = ['full', 'quick', 'tslib-ett', 'sparse-rho'];

describe('committed results folders', () => {
  it.each(FOLDERS)('%s holds a record for every run its plan names under the current run ids', (name) => {
    const dir = path.join(root, name);
    const inputs = readPlanInputs(dir);
    const records = readRecords(dir);
    const planned = expandPlan(inputs).runs.map((r) => r.id);
    expect(planned.length).toBeGreaterThan(0);
    expect(planned.filter((id) => !records.has(id))).toEqual([]);
  });
});
