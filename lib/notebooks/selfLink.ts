/**
 * How a notebook inside the repository imports the library by its package name,
 * `import { train } from 'divelab'`, exactly as a notebook outside the repository does after
 * `npm install divelab`.
 *
 * At run time Node resolves `divelab` by package self-reference (package.json `name` +
 * `exports`). tslab's type checker, however, resolves modules with TypeScript's `node10`
 * rules, which know no self-reference: it only looks in `node_modules/` folders above the
 * notebook. So the notebook folder gets `notebooks/node_modules/divelab` → `../..` (a relative
 * symlink to the project, git-ignored like every `node_modules/`), through which TypeScript
 * reads package.json `types` (dist/lib/index.d.ts). It lives beside the notebooks rather than
 * in the project's own `node_modules/` because npm treats a link there as an extraneous
 * package and prunes it on the next `npm install`. `dive setup` and every `dive notebooks run`
 * (both call `writeKernelSpec`) create it when missing.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { UserError } from '../util/errors';
import { notebooksDir, repoRoot } from './paths';

/** The package name notebooks import. */
export const PACKAGE_NAME = 'divelab';

/** `<root>/notebooks/node_modules/divelab`. */
export function selfLinkPath(root = repoRoot()): string {
  return path.join(notebooksDir(root), 'node_modules', PACKAGE_NAME);
}

/**
 * Make `<root>/notebooks/node_modules/divelab` resolve to `root` (idempotent); returns its path.
 * A link that already resolves to `root` is kept; anything else there (a stale link, an
 * installed copy of divelab) is a UserError naming it, since importing that copy from the
 * notebooks would silently test other code.
 */
export function ensureSelfLink(root = repoRoot()): string {
  const link = selfLinkPath(root);
  const modules = path.dirname(link);
  fs.mkdirSync(modules, { recursive: true });
  let stat: fs.Stats | undefined;
  try {
    stat = fs.lstatSync(link);
  } catch {
    stat = undefined;
  }
  if (stat) {
    let target = '';
    try {
      target = fs.realpathSync(link);
    } catch {
      // a dangling link: replaced below
    }
    if (target === fs.realpathSync(root)) return link;
    if (!stat.isSymbolicLink()) {
      throw new UserError(`${link} is a separate copy of divelab, so notebooks would import it instead of this checkout; remove it (rm -r ${link}) and run again`);
    }
    fs.rmSync(link, { force: true });
  }
  // Create under a temporary name and rename, so concurrent runs never see a half-made link.
  const tmp = `${link}.tmp-${process.pid}-${Date.now()}`;
  fs.symlinkSync(path.relative(modules, root) || '.', tmp, 'dir');
  try {
    fs.renameSync(tmp, link);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    // Another process made the same link meanwhile: fine if it resolves to us.
    if (!(fs.existsSync(link) && fs.realpathSync(link) === fs.realpathSync(root))) throw err;
  }
  return link;
}
