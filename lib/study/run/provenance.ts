/**
 * Provenance of a run record: the code that made it (git commit and a hash of lib/**.ts) and
 * where its data came from (location and sha256, never a machine path: records get committed).
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { datasetInfo, resolveDataPath } from '../../data/registry';
import { repoRoot } from '../../util/repo';
import type { RunRecord } from '../spec/types';
let code: RunRecord['code'] | undefined;

/**
 * The code that produced a run: the git commit (if any) and a sha256 over every lib/**.ts source
 * file (path + content, sorted), so results from edited, uncommitted code are told apart. Run ids
 * do NOT include it (a restart after an edit reuses finished runs); `writeOutputs` warns when a
 * table mixes code versions.
 */
export function codeVersion(): RunRecord['code'] {
  if (code) return code;
  const root = repoRoot();
  let commit = 'unknown';
  try {
    commit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: root, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
  } catch {
    /* not a git checkout */
  }
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const f = path.join(dir, e.name);
      if (e.isDirectory()) walk(f);
      else if (e.name.endsWith('.ts')) files.push(f);
    }
  };
  const lib = path.join(root, 'lib');
  if (fs.existsSync(lib)) walk(lib);
  const h = createHash('sha256');
  for (const f of files.sort()) h.update(path.relative(root, f)).update('\0').update(fs.readFileSync(f)).update('\0');
  code = { commit, libSha256: h.digest('hex') };
  return code;
}

const shaCache = new Map<string, string | undefined>();

/** sha256 of a file (cached per path for the process), undefined for a folder. */
function sha256Of(file: string): string | undefined {
  if (!shaCache.has(file)) {
    let sha: string | undefined;
    try {
      if (fs.statSync(file).isFile()) sha = createHash('sha256').update(fs.readFileSync(file)).digest('hex');
    } catch {
      sha = undefined;
    }
    shaCache.set(file, sha);
  }
  return shaCache.get(file);
}

/** Provenance of the data a run used: source path, and the sha256 of a single-file data set. */
export function provenanceOf(name: string): { source: string; sha256?: string } {
  const card = datasetInfo(name);
  if (card.obtain.kind === 'generated') return { source: card.obtain.source };
  // Where the data were found and their path inside it (no machine path: records get committed).
  const { path: p, where } = resolveDataPath(name);
  const locations = card.locations;
  const rel = locations.find((loc) => p === loc || p.endsWith(path.sep + path.normalize(loc))) ?? path.basename(p);
  const source = `${where}: ${rel}`;
  const sha = sha256Of(p);
  return sha ? { source, sha256: sha } : { source };
}
