/**
 * Where the notebook toolchain finds things: the project root (the folder holding divelab's
 * package.json, found upward from this module, so it works from lib/ under vitest and from
 * dist/lib/ in the compiled CLI), the notebook folders, and the Python interpreter.
 */
import * as path from 'node:path';
import { repoRoot } from '../util/repo';

export { repoRoot };

/** Source notebooks, checked in: `<root>/notebooks`. */
export function notebooksDir(root = repoRoot()): string {
  return path.join(root, 'notebooks');
}

/** Executed copies written by `dive notebooks run`: `<root>/out/notebooks`. */
export function executedDir(root = repoRoot()): string {
  return path.join(root, 'out', 'notebooks');
}

/** Static site written by `dive notebooks export`: `<root>/out/site`. */
export function siteDir(root = repoRoot()): string {
  return path.join(root, 'out', 'site');
}

/** Single-file pages written by `dive notebooks export --single NAME`: `<root>/out/site-single/NAME.html`. */
export function singleDir(root = repoRoot()): string {
  return path.join(root, 'out', 'site-single');
}


/** The nbclient driver script, shipped as a source file beside this module's source. */
export function executorScript(root = repoRoot()): string {
  return path.join(root, 'lib', 'notebooks', 'execute.py');
}
