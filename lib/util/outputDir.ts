/**
 * Nothing a user owns is overwritten: every command that writes (`--out` of train, reproduce,
 * tune, merge, notebooks run/export, jobs; the data cache of `data fetch`) checks its target
 * with `checkOutputDir` before it computes anything, and refuses, with one line (a UserError:
 * `dive: …`, exit 2, nothing written),
 *
 * - a target that exists and is not a folder (`--out notes.txt`), and
 * - a non-empty folder that is not a divelab output.
 *
 * divelab recognises its own outputs by the marker file `.divelab-output` (written by
 * `markOutputDir`) or by the known layout of that kind of output (e.g. a checkpoint's
 * `checkpoint.json`, a results folder's `plan.json`), so folders written before the marker
 * existed are still recognised.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { UserError } from './errors';

/** The marker file divelab writes into output folders whose layout alone is not distinctive. */
export const OUTPUT_MARKER = '.divelab-output';

export interface OutputTarget {
  /** The option naming the target, for the message (default `--out`). */
  readonly option?: string;
  /** What divelab writes there, e.g. `a checkpoint folder`. */
  readonly writes: string;
  /** Entries whose presence marks this kind of divelab output (its known layout), e.g. `['checkpoint.json']`. */
  readonly ownEntries?: readonly string[];
}

/** True when `dir` holds the marker or one of `ownEntries`. */
export function isDivelabOutput(dir: string, ownEntries: readonly string[] = []): boolean {
  return [OUTPUT_MARKER, ...ownEntries].some((e) => fs.existsSync(path.join(dir, e)));
}

/**
 * Throw a UserError unless `dir` is absent, an empty folder, or a divelab output (marker or
 * known layout). Call it before any work, so a refusal writes nothing.
 */
export function checkOutputDir(dir: string, target: OutputTarget): void {
  const option = target.option ?? '--out';
  let stat: fs.Stats;
  try {
    stat = fs.statSync(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw new UserError(`${option} ${dir}: ${(err as Error).message}`);
  }
  if (!stat.isDirectory()) {
    throw new UserError(`${option} ${dir} is an existing file; divelab writes ${target.writes} there and never replaces a file; name a folder that does not exist yet`);
  }
  const entries = fs.readdirSync(dir);
  if (entries.length === 0 || isDivelabOutput(dir, target.ownEntries)) return;
  const shown = entries.slice(0, 3).join(', ') + (entries.length > 3 ? `, … (${entries.length} entries)` : '');
  throw new UserError(`${option} ${dir} is a folder with files divelab did not write (${shown}); divelab writes ${target.writes} only into a new or empty folder or one of its own outputs (marked by ${OUTPUT_MARKER}); name another folder`);
}

/** Write the marker into `dir` (created if needed), recording what wrote it. Idempotent. */
export function markOutputDir(dir: string, kind: string): void {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, OUTPUT_MARKER);
  if (!fs.existsSync(file)) fs.writeFileSync(file, `${JSON.stringify({ writtenBy: 'divelab', kind })}\n`);
}
