import { describe, expect, it } from 'vitest';
import { main } from '../lib/cli/main';
import type { CliIO } from '../lib/util/command';

function capture(): CliIO & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return {
    stdout,
    stderr,
    out: (l) => stdout.push(l),
    err: (l) => stderr.push(l),
    json: (v) => stdout.push(JSON.stringify(v)),
    interactive: false,
  };
}

describe('dive CLI', () => {
  it('lists commands with --help', async () => {
    const io = capture();
    expect(await main(['--help'], io)).toBe(0);
    expect(io.stdout.join('\n')).toMatch(/backend/);
  });

  it('rejects an unknown command with a one-line error and exit 2', async () => {
    const io = capture();
    expect(await main(['frobnicate'], io)).toBe(2);
    expect(io.stderr).toHaveLength(1);
    expect(io.stderr[0]).toMatch(/unknown command 'frobnicate'/);
  });

  it('rejects an unknown option naming the known ones', async () => {
    const io = capture();
    expect(await main(['backend', '--bogus'], io)).toBe(2);
    expect(io.stderr[0]).toMatch(/unknown option --bogus.*--backend/);
  });

  it('reports the active backend as JSON', async () => {
    const io = capture();
    expect(await main(['backend', '--json'], io)).toBe(0);
    const report = JSON.parse(io.stdout[0]) as { active: string; skipped: unknown[] };
    expect(['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu']).toContain(report.active);
  });

  it('fails clearly on an unknown DIVE_BACKEND value', async () => {
    const io = capture();
    expect(await main(['backend', '--backend', 'quantum'], io)).toBe(2);
    expect(io.stderr[0]).toMatch(/unknown backend 'quantum'/);
  });
});
