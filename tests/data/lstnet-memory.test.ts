/**
 * The full LSTNet electricity shape (26,304 x 321) loads, scales and windows within 1 GB of
 * RSS growth, from a generated gzipped file (the real one is not reachable from CI).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { loadLstnet } from '../../lib/data/lstnet';
import { prepareDataset } from '../../lib/data/prepare';
import { tempDir } from './helpers';

const ROWS = 26304;
const COLS = 321;

describe('LSTNet full shape', () => {
  it('26,304 x 321 gzipped: load + prepare + window with RSS growth < 1 GB', () => {
    // Generate the text: row r holds (r mod 97) * 1.125 + c, so 97 distinct lines are reused.
    const lines = Array.from({ length: 97 }, (_, k) =>
      Buffer.from(`${Array.from({ length: COLS }, (_, c) => (k * 1.125 + c).toFixed(3)).join(',')}\n`, 'latin1'),
    );
    const chunks: Buffer[] = Array.from({ length: ROWS }, (_, r) => lines[r % 97]);
    const file = path.join(tempDir(), 'electricity.txt.gz');
    fs.writeFileSync(file, zlib.gzipSync(Buffer.concat(chunks), { level: 1 }));
    chunks.length = 0;
    global.gc?.();
    const rss0 = process.memoryUsage().rss;
    const d = loadLstnet(file);
    expect(d.segments[0].length).toBe(ROWS);
    expect(d.segments[0].channels).toBe(COLS);
    expect(d.segments[0].values[(1000 * COLS) + 5]).toBe(Math.fround((1000 % 97) * 1.125 + 5));
    const p = prepareDataset(d);
    expect(p.train.count).toBe(Math.floor(0.6 * ROWS) - 191);
    expect(p.scaler.kind).toBe('maxabs');
    const b = p.test.batch(Int32Array.from({ length: 64 }, (_, i) => i * 10));
    expect(b.x.length).toBe(64 * 168 * COLS);
    const growth = process.memoryUsage().rss - rss0;
    expect(growth).toBeLessThan(1024 ** 3);
  });
});
