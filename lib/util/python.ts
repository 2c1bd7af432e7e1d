/**
 * The Python that runs Jupyter: Debian's `/usr/bin/python3` (where apt installs nbclient and
 * nbconvert), not whatever `python3` is first on PATH. `DIVE_PYTHON` overrides it.
 */
export function pythonPath(): string {
  return process.env.DIVE_PYTHON || '/usr/bin/python3';
}
