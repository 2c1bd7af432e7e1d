/** Shared test helpers for the data layer. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { expect } from 'vitest';
import type { CliIO } from '../../lib/cli/command';
import { UserError } from '../../lib/util/errors';

/** The shared real data folder; tests FAIL (not skip) when it is missing. */
export const SHARED = path.resolve(__dirname, '../../../shared/data');

export function requireShared(rel: string): string {
  const p = path.join(SHARED, rel);
  if (!fs.existsSync(p)) throw new Error(`real data set missing: ${p} (the shared data folder must be beside the repo; see /work/shared/data/README.md)`);
  return p;
}

export function tempDir(prefix = 'divelab-data-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function capture(): CliIO & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (l) => stdout.push(l), err: (l) => stderr.push(l), json: (v) => stdout.push(JSON.stringify(v)), interactive: false };
}

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
