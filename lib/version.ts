/**
 * divelab's version, read from its package.json (the single source; `dive --version` and the
 * library's `VERSION` both come from here).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from './util/repo';

let cached: string | undefined;

/** The `version` field of divelab's package.json. */
export function packageVersion(): string {
  if (cached) return cached;
  const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot(), 'package.json'), 'utf8')) as { version?: unknown };
  if (typeof pkg.version !== 'string') throw new Error(`divelab's package.json has no version field`);
  return (cached = pkg.version);
}
