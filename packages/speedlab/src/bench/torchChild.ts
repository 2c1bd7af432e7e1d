/**
 * The python3 children of the PyTorch comparisons (./torch.ts, ./torchDeepdive.ts): where their
 * scripts lie and how one is run. Uses `DIVE_PYTHON`, else Debian's /usr/bin/python3 (where
 * apt's python3-torch lives).
 */
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { pythonPath } from 'divelab/lib/util/python';

/** The Debian command that installs what the PyTorch children need. */
export const TORCH_INSTALL = 'apt-get install python3-torch';

/** A script's path in the package (scripts are not compiled: src/bench from src/bench and dist/bench alike). */
export function torchScript(name: 'torch_mlp_vae.py' | 'torch_deepdive.py'): string {
  return path.join(__dirname, '..', '..', 'src', 'bench', name);
}

export interface ChildRun {
  code: number | null;
  out: string;
  err: string;
  spawnError?: Error;
}

/** Run `pythonPath() args…` with `env`; resolves when it exits (never rejects). */
export function runPython(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<ChildRun> {
  return new Promise((resolve) => {
    const child = spawn(pythonPath(), args, { stdio: ['ignore', 'pipe', 'pipe'], env });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    child.on('error', (e) => resolve({ code: null, out, err, spawnError: e }));
    child.on('close', (code) => resolve({ code, out, err }));
  });
}

/** Why a child run failed, as one line with the fix (undefined when it exited 0). */
export function childFailure(r: ChildRun): string | undefined {
  if (r.spawnError) return `${pythonPath()} did not start (${r.spawnError.message}); set DIVE_PYTHON to a python3 with torch`;
  if (r.code === 0) return undefined;
  if (/No module named '?torch/.test(r.err)) return `PyTorch is not installed for ${pythonPath()} (${TORCH_INSTALL}, or set DIVE_PYTHON)`;
  return `the PyTorch child exited with ${r.code}: ${r.err.trim().split('\n').pop() ?? ''}`;
}
