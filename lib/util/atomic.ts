/** Atomic file output: write to a temporary name in the same folder, then rename. */
import * as fs from 'node:fs';
import * as path from 'node:path';

function tmpName(target: string): string {
  return path.join(path.dirname(target), `.${path.basename(target)}.tmp-${process.pid}-${Date.now()}`);
}

/** Write a whole file atomically (creates parent folders). */
export function writeFileAtomic(target: string, data: string | Uint8Array): void {
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const tmp = tmpName(target);
  try {
    fs.writeFileSync(tmp, data);
    fs.renameSync(tmp, target);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw err;
  }
}

/**
 * Build a whole folder atomically: `fill` writes into a temporary sibling folder, which then
 * replaces `target` (any previous content is removed only after `fill` succeeded).
 */
export async function writeDirAtomic(target: string, fill: (tmpDir: string) => Promise<void> | void): Promise<void> {
  fs.mkdirSync(path.dirname(path.resolve(target)), { recursive: true });
  const tmp = tmpName(path.resolve(target));
  fs.mkdirSync(tmp, { recursive: true });
  try {
    await fill(tmp);
    const old = `${tmp}-old`;
    if (fs.existsSync(target)) fs.renameSync(target, old);
    fs.renameSync(tmp, target);
    fs.rmSync(old, { recursive: true, force: true });
  } catch (err) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
}
