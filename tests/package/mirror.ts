/**
 * How tests put a copy of an installed package somewhere else without touching this
 * repository's node_modules: real directories whose files are symbolic links (`cp -as`).
 *
 * Not hard links (`cp -al`): a hard link changes the link count of the original inode, inotify
 * reports that to every watcher of the file as a change, and a running tslab kernel watches
 * node_modules' `.d.ts` and `package.json` files through its TypeScript watch program. One
 * `package.json` change (TypeScript schedules a failed-lookup invalidation) and one `.d.ts`
 * change (it schedules a program update) while no cell runs make two pending timers, which
 * tslab's converter does not allow: it throws `Unexpected pending rebuildTimer` from the
 * file watcher, an uncaught exception, and the kernel dies (`DeadKernelError`) in whichever
 * notebook another test file is executing at that moment. tests/notebooks/kernelWatch.test.ts
 * shows both.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** Mirror the package folder `src` at `dest` (created; its parent must not be inside `src`). */
export function mirrorPackage(src: string, dest: string, how: 'symlink' | 'hardlink' = 'symlink'): void {
  fs.mkdirSync(path.dirname(dest), { recursive: true });
  const r = spawnSync('cp', [how === 'symlink' ? '-as' : '-al', src, dest], { encoding: 'utf8' });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`cp ${src} ${dest} exited ${r.status}: ${r.stderr}`);
}
