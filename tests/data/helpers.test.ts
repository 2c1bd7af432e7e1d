/** The data tests find real data where users put it (cache, mirror) and fail naming both variables otherwise. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { dataRoots, requireShared, tempDir } from './helpers';

const saved = { dir: process.env.DIVE_DATA_DIR, mirror: process.env.DIVE_DATA_MIRROR };
afterEach(() => {
  for (const [k, v] of [['DIVE_DATA_DIR', saved.dir], ['DIVE_DATA_MIRROR', saved.mirror]] as const) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});

describe('requireShared', () => {
  it('looks in the download cache first, then the mirror', () => {
    const cache = tempDir();
    const mirror = tempDir();
    fs.mkdirSync(path.join(mirror, 'ett'));
    fs.writeFileSync(path.join(mirror, 'ett', 'ETTh1.csv'), 'date,OT\n');
    process.env.DIVE_DATA_DIR = cache;
    process.env.DIVE_DATA_MIRROR = mirror;
    expect(dataRoots()).toEqual([{ variable: 'DIVE_DATA_DIR', dir: cache }, { variable: 'DIVE_DATA_MIRROR', dir: mirror }]);
    expect(requireShared('ett/ETTh1.csv')).toBe(path.join(mirror, 'ett', 'ETTh1.csv'));
    fs.mkdirSync(path.join(cache, 'ett'));
    fs.writeFileSync(path.join(cache, 'ett', 'ETTh1.csv'), 'date,OT\n');
    expect(requireShared('ett/ETTh1.csv')).toBe(path.join(cache, 'ett', 'ETTh1.csv'));
  });

  it('fails, naming both variables and the fetch command, when neither has the data', () => {
    process.env.DIVE_DATA_DIR = tempDir();
    delete process.env.DIVE_DATA_MIRROR;
    expect(dataRoots()).toHaveLength(1);
    expect(() => requireShared('gaitndd')).toThrow(/gaitndd is neither in the download cache DIVE_DATA_DIR \(.+\) nor in the mirror DIVE_DATA_MIRROR \(not set\); run 'npx dive data fetch ett-h1'/);
  });
});
