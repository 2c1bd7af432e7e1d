/**
 * The error for windows longer than the data names options that exist (it advised
 * `--input-length`, which dive train does not have).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { trainCommand } from '../../lib/cli/commands/train';
import { main } from '../../lib/cli/main';
import { SHORTER_WINDOWS } from '../../lib/data/windows';
import { checkRunConfig } from '../../lib/train/run';
import { capture } from './helpers';

describe('the advice for windows longer than the data', () => {
  it('names only options dive train has, and a config field it accepts', () => {
    const flags = SHORTER_WINDOWS.match(/--[a-z-]+/g) ?? [];
    expect(flags.length).toBeGreaterThan(0);
    const known = new Set(trainCommand.options!.map((o) => `--${o.name}`));
    for (const f of flags) expect(known.has(f), f).toBe(true);
    expect(SHORTER_WINDOWS).not.toContain('--input-length');
    const json = /--config FILE with (\{.*?\}\})/.exec(SHORTER_WINDOWS)![1].replace('N', '8');
    expect(() => checkRunConfig(JSON.parse(json), 'advice')).not.toThrow();
  });

  it('is what dive train prints for a horizon longer than the series, and following it works', async () => {
    const io = capture();
    expect(await main(['train', '--model', 'persistence', '--data', 'synthetic', '--horizon', '100000'], io)).toBe(2);
    expect(io.stderr).toHaveLength(1);
    expect(io.stderr[0]).toContain(SHORTER_WINDOWS);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dive-advice-'));
    try {
      const file = path.join(dir, 'config.json');
      fs.writeFileSync(file, JSON.stringify({ data: { inputLength: 16 } }));
      const ok = capture();
      expect(await main(['train', '--model', 'persistence', '--data', 'synthetic', '--horizon', '4', '--config', file, '--json'], ok)).toBe(0);
      expect((JSON.parse(ok.stdout[0]) as { window: { inputLength: number } }).window.inputLength).toBe(16);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
