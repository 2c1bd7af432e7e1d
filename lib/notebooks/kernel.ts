/**
 * The project-local tslab kernel: a Jupyter kernelspec under `<root>/.jupyter/kernels/tslab/`
 * and the environment that makes Jupyter use it and nothing global.
 *
 * `tslab install` would write `{"argv": ["tslab", "kernel", "--config-path",
 * "{connection_file}"], "display_name": "TypeScript", "language": "typescript"}` into the
 * user's or the system's Jupyter folders. We write the same spec into the project instead,
 * with the absolute path of this Node binary and the project's own tslab, so the kernel is the
 * pinned tslab 1.0.22 whatever is installed globally. tslab is named relative to the spec's
 * own folder through Jupyter's `{resource_dir}` placeholder, so the spec holds no path of the
 * checkout. The `.jupyter/` folder is generated (by `dive setup` and before every
 * `dive notebooks run`) and git-ignored.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomic } from '../util/atomic';
import { repoRoot } from './paths';
import { ensureSelfLink } from './selfLink';

/** The kernel name notebooks declare in `metadata.kernelspec.name`. */
export const KERNEL_NAME = 'tslab';

/** Jupyter's kernel.json format (the subset we use). */
export interface KernelSpec {
  argv: string[];
  display_name: string;
  language: string;
  /** Extra environment for the kernel process. */
  env?: Record<string, string>;
}

/** `<root>/.jupyter`: JUPYTER_PATH / JUPYTER_DATA_DIR for everything we start. */
export function jupyterDir(root = repoRoot()): string {
  return path.join(root, '.jupyter');
}

export function kernelSpecPath(root = repoRoot()): string {
  return path.join(jupyterDir(root), 'kernels', KERNEL_NAME, 'kernel.json');
}

/** tslab's launcher as the kernelspec names it: relative to `{resource_dir}` = `<root>/.jupyter/kernels/tslab`. */
export const TSLAB_FROM_SPEC = '{resource_dir}/../../../node_modules/tslab/bin/tslab';

/** The project's tslab launcher, `<root>/node_modules/tslab/bin/tslab`. */
export function tslabPath(root = repoRoot()): string {
  return path.join(root, 'node_modules', 'tslab', 'bin', 'tslab');
}

/** The kernelspec for the project's tslab, started by the Node running this code. */
export function kernelSpec(root = repoRoot()): KernelSpec {
  void root; // the spec is the same for every checkout (see TSLAB_FROM_SPEC)
  return {
    argv: [process.execPath, TSLAB_FROM_SPEC, 'kernel', '--config-path', '{connection_file}'],
    display_name: 'TypeScript (divelab tslab)',
    language: 'typescript',
  };
}

/**
 * Write (or refresh) `<root>/.jupyter/kernels/tslab/kernel.json` atomically, and make sure
 * `import ... from 'divelab'` resolves in the kernel (`ensureSelfLink`); returns the spec's path.
 * Throws if the project's tslab is not installed (run `npm install`).
 */
export function writeKernelSpec(root = repoRoot()): string {
  const spec = kernelSpec(root);
  if (!fs.existsSync(tslabPath(root))) {
    throw new Error(`tslab is not installed at ${tslabPath(root)}; run 'npm install' in ${root}`);
  }
  ensureSelfLink(root); // notebooks import 'divelab' (see ./selfLink.ts)
  const file = kernelSpecPath(root);
  const text = `${JSON.stringify(spec, null, 2)}\n`;
  if (!fs.existsSync(file) || fs.readFileSync(file, 'utf8') !== text) writeFileAtomic(file, text);
  return file;
}

/**
 * Environment for Jupyter processes (nbclient, nbconvert) and, through them, the kernel:
 * the caller's environment (so DIVE_QUICK, DIVE_BACKEND, DIVE_DATA_DIR pass through) with
 * every Jupyter folder pointed inside `<root>/.jupyter`, so no user or system Jupyter
 * configuration is read or written.
 */
export function jupyterEnv(root = repoRoot(), base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const dir = jupyterDir(root);
  return {
    ...base,
    JUPYTER_PATH: dir,
    JUPYTER_DATA_DIR: dir,
    JUPYTER_CONFIG_DIR: path.join(dir, 'config'),
    JUPYTER_RUNTIME_DIR: path.join(dir, 'runtime'),
    JUPYTER_PLATFORM_DIRS: '1',
    // Python must not pick up packages from the user's site or a pyenv shim.
    PYTHONNOUSERSITE: '1',
  };
}
