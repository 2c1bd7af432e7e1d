/**
 * prepareOrSynthetic: what the tour notebook uses so that it runs where the real data sets are
 * not downloaded (the synthetic set instead, with a note); and that nothing else falls back.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { dataAvailable, prepareOrSynthetic } from '../../lib/data/fallback';
import { prepareData } from '../../lib/data/prepare';

const KEYS = ['DIVE_DATA_DIR', 'DIVE_DATA_MIRROR', 'DIVE_DATA_SHARED'] as const;
const saved = Object.fromEntries(KEYS.map((k) => [k, process.env[k]]));
let empty: string;
beforeAll(() => {
  empty = fs.mkdtempSync(path.join(os.tmpdir(), 'dive-nodata-'));
});
afterAll(() => fs.rmSync(empty, { recursive: true, force: true }));
afterEach(() => {
  for (const k of KEYS) {
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  }
});

/** A machine without data: empty cache, no mirror, no ../shared/data. */
function noData(): void {
  process.env.DIVE_DATA_DIR = empty;
  delete process.env.DIVE_DATA_MIRROR;
  process.env.DIVE_DATA_SHARED = '0';
}

describe('prepareOrSynthetic', () => {
  it('falls back to the synthetic set with a one-line note naming the fix when the files are missing', () => {
    noData();
    expect(dataAvailable('ett-h1')).toBe(false);
    expect(dataAvailable('synthetic')).toBe(true);
    const r = prepareOrSynthetic('ett-h1');
    expect(r.used).toBe('synthetic');
    expect(r.requested).toBe('ett-h1');
    expect(r.prepared.train.count).toBeGreaterThan(0);
    expect(r.note).toMatch(/^note: data set 'ett-h1' is not downloaded here, so this section shows the synthetic set instead; for the real data run 'npx dive data fetch ett-h1'/);
    expect(r.note).not.toContain('\n');
  });

  it('does not change prepareData: missing data is still an error there', () => {
    noData();
    expect(() => prepareData('ett-h1')).toThrow(/data set 'ett-h1' not found/);
  });

  it('uses the real data set when it is there', () => {
    noData();
    const dir = path.join(empty, 'cache-with-file', 'ett');
    fs.mkdirSync(dir, { recursive: true });
    // A small ETT-format file is enough to show the choice (the loader checks the format, not the sum).
    const rows = ['date,HUFL,HULL,MUFL,MULL,LUFL,LULL,OT'];
    for (let t = 0; t < 14400 + 200; t++) rows.push(`${new Date(Date.UTC(2016, 6, 1) + t * 3_600_000).toISOString().slice(0, 19).replace('T', ' ')},1,2,3,4,5,6,${(t % 24) / 10}`);
    fs.writeFileSync(path.join(dir, 'ETTh1.csv'), `${rows.join('\n')}\n`);
    process.env.DIVE_DATA_DIR = path.dirname(dir);
    expect(dataAvailable('ett-h1')).toBe(true);
    const r = prepareOrSynthetic('ett-h1');
    expect(r.used).toBe('ett-h1');
    expect(r.note).toBeNull();
  });
});
