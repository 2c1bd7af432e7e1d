/**
 * The repository root: the nearest ancestor of this module holding divelab's package.json.
 * Found upward from the module, so it works from lib/ under vitest and from dist/lib/ in the
 * compiled CLI.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

let cachedRoot: string | undefined;

export function repoRoot(): string {
  if (cachedRoot) return cachedRoot;
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const pkg = path.join(dir, 'package.json');
    if (fs.existsSync(pkg)) {
      try {
        if ((JSON.parse(fs.readFileSync(pkg, 'utf8')) as { name?: string }).name === 'divelab') return (cachedRoot = dir);
      } catch {
        // not ours; keep walking up
      }
    }
    if (path.dirname(dir) === dir) throw new Error(`cannot find divelab's package.json above ${__dirname}`);
  }
}
