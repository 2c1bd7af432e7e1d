/** Shared test helpers for the data layer. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { expect } from 'vitest';
import { UserError } from '../../lib/util/errors';
import { cacheDir, mirrorDir } from '../../lib/data/paths';

/**
 * Where the tests find the real data sets: where users put them (README). First the download
 * cache `DIVE_DATA_DIR` (default `<repo>/.cache/data`, filled by `dive data fetch ett-h1` and
 * `dive data fetch gaitndd`), then the local mirror `DIVE_DATA_MIRROR` (CI sets it). Both use
 * the layout of data/manifest.json (`ett/ETTh1.csv`, `gaitndd/…`). Nothing beside the
 * repository is looked at.
 */
export function dataRoots(): { variable: string; dir: string }[] {
  const mirror = mirrorDir();
  return [{ variable: 'DIVE_DATA_DIR', dir: cacheDir() }, ...(mirror ? [{ variable: 'DIVE_DATA_MIRROR', dir: mirror }] : [])];
}

/**
 * The data folder the tests use as a mirror (e.g. for `dive data fetch`): the first of
 * `dataRoots()` holding any real data set, else the mirror if set, else the cache.
 */
export const SHARED: string = (() => {
  const roots = dataRoots();
  const withData = roots.find((r) => ['ett', 'gaitndd'].some((d) => fs.existsSync(path.join(r.dir, d))));
  return (withData ?? roots[roots.length - 1]).dir;
})();

/** The path of a real data file or folder (`ett/ETTh1.csv`, `gaitndd`); tests FAIL (not skip) when it is missing. */
export function requireShared(rel: string): string {
  for (const r of dataRoots()) {
    const p = path.join(r.dir, rel);
    if (fs.existsSync(p)) return p;
  }
  const mirror = mirrorDir();
  throw new Error(
    `real data set missing: ${rel} is neither in the download cache DIVE_DATA_DIR (${cacheDir()}) nor in the mirror DIVE_DATA_MIRROR (${mirror ?? 'not set'}); ` +
      `run 'npx dive data fetch ett-h1' and 'npx dive data fetch gaitndd', or set DIVE_DATA_MIRROR to a folder laid out like data/manifest.json (README, "Set up and run the tests")`,
  );
}

export function tempDir(prefix = 'divelab-data-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export { capture } from '../io';

/** Expect a one-line UserError matching `re`. */
export function userError(f: () => unknown, re: RegExp): void {
  try {
    f();
  } catch (err) {
    expect(err).toBeInstanceOf(UserError);
    expect((err as Error).message).not.toMatch(/\n/);
    expect((err as Error).message).toMatch(re);
    return;
  }
  throw new Error(`expected a UserError matching ${re}`);
}

/**
 * Write an ETT-format CSV (header `date,HUFL,…,OT`, hourly UTC rows from 2016-07-01 00:00, the
 * ETTh1 calendar) whose value at row t, channel c (0–6) is `value(t, c)`, written with 6 decimals.
 */
export function writeEttCsv(file: string, rows: number, value: (t: number, c: number) => number): string {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const lines = ['date,HUFL,HULL,MUFL,MULL,LUFL,LULL,OT'];
  const t0 = Date.UTC(2016, 6, 1);
  for (let t = 0; t < rows; t++) {
    const date = new Date(t0 + t * 3_600_000).toISOString().slice(0, 19).replace('T', ' ');
    const vals = Array.from({ length: 7 }, (_, c) => value(t, c).toFixed(6));
    lines.push(`${date},${vals.join(',')}`);
  }
  fs.writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}
