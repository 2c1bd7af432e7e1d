/**
 * Where data files live. Loaders look for a data set's files in this order:
 *
 * 1. an explicit path (`--file PATH`, `options.file`);
 * 2. the download cache `DIVE_DATA_DIR` (default `<repo>/.cache/data`, git-ignored), filled by
 *    `dive data fetch`;
 * 3. the local mirror `DIVE_DATA_MIRROR` (CI sets it to `../shared/data`);
 * 4. `../shared/data` beside the repository, if that folder exists (unless `DIVE_DATA_SHARED=0`). This last step is a
 *    developer convenience (every dev machine and CI has the shared folder); users get their
 *    data through `dive data fetch`.
 *
 * Cache and mirror use the same layout: `<root>/<mirrorPath>` with the data set's relative path
 * from `data/manifest.json` (e.g. `ett/ETTh1.csv`, `gaitndd/`).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from '../util/repo';

export { repoRoot };

/** The download cache: `DIVE_DATA_DIR`, default `<repo>/.cache/data`. */
export function cacheDir(): string {
  const env = process.env.DIVE_DATA_DIR;
  return env && env.trim() ? path.resolve(env) : path.join(repoRoot(), '.cache', 'data');
}

/** The local mirror folder `DIVE_DATA_MIRROR`, or undefined when unset. */
export function mirrorDir(): string | undefined {
  const env = process.env.DIVE_DATA_MIRROR;
  return env && env.trim() ? path.resolve(env) : undefined;
}

/** `../shared/data` relative to the repository, when it exists (developer convenience; `DIVE_DATA_SHARED=0` turns it off, e.g. to try what a machine without data sees). */
export function sharedDataDir(): string | undefined {
  if (process.env.DIVE_DATA_SHARED === '0') return undefined;
  const dir = path.resolve(repoRoot(), '..', 'shared', 'data');
  return fs.existsSync(dir) ? dir : undefined;
}

/** Candidate locations of a data set's relative path, in lookup order (explicit path excluded). */
export function candidatePaths(relative: string): { where: string; path: string }[] {
  const out = [{ where: 'cache', path: path.join(cacheDir(), relative) }];
  const mirror = mirrorDir();
  if (mirror) out.push({ where: 'DIVE_DATA_MIRROR', path: path.join(mirror, relative) });
  const shared = sharedDataDir();
  if (shared) out.push({ where: '../shared/data', path: path.join(shared, relative) });
  return out;
}
