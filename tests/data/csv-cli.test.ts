/** `dive train --data csv --file F` and `dive data describe csv --file F` (in-process, tiny networks). */
import { afterAll, describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../lib/cli/main';
import { capture } from '../io';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dive-csv-cli-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** An Excel-style file: UTF-8 BOM, CRLF, ';' delimiter, decimal commas, quoted header, hourly rows. */
function excelCsv(n: number, extreme = false): string {
  const lines = ['"Zeit";"Last (kW)";"Temperatur"'];
  for (let i = 0; i < n; i++) {
    if (extreme && i >= 300 && i < 304) continue; // a 5-hour gap
    const t = new Date(Date.UTC(2024, 2, 1) + i * 3_600_000).toISOString().slice(0, 16).replace('T', ' ');
    const load = extreme && i === 77 ? '-999' : (50 + 10 * Math.sin((2 * Math.PI * i) / 24)).toFixed(2).replace('.', ',');
    lines.push(`${t};${load};${(8 + Math.cos(i / 30)).toFixed(1).replace('.', ',')}`);
  }
  return `\ufeff${lines.join('\r\n')}\r\n`;
}

const file = path.join(tmp, 'my.csv');
fs.writeFileSync(file, excelCsv(600));
const config = path.join(tmp, 'tiny.json');
fs.writeFileSync(
  config,
  JSON.stringify({
    model: { trunk: { hidden: 16, layers: 1 }, decoderHidden: 16, forecasterHidden: 16, tokenDim: 8, heads: 2, aTokens: 2, aDim: 4 },
    train: { batchSize: 32, maxBatchesPerEpoch: 2, conflictEvery: 1, schedule: { warmupEpochs: 1 } },
  }),
);

describe('dive train / data describe on a CSV', () => {
  it('trains deepdive on a BOM + CRLF file, and evaluate reproduces the checkpoint', async () => {
    const out = path.join(tmp, 'run');
    const io = capture();
    const code = await main(['train', '--model', 'deepdive', '--data', 'csv', '--file', file, '--epochs', '1', '--config', config, '--out', out, '--json'], io);
    expect(io.stderr.filter((l) => l.startsWith('dive:'))).toEqual([]);
    expect(code).toBe(0);
    const r = JSON.parse(io.stdout[0]);
    expect(r).toMatchObject({ model: 'deepdive', data: 'csv', epochs: 1, window: { inputLength: 168, horizon: 24, targetLength: 1 } });
    expect(Number.isFinite(r.test.forecast.original.rrse)).toBe(true);
    expect(Object.keys(r.test.cluster ?? {})).toEqual(['hour', 'weekday', 'month']);
    const io2 = capture();
    expect(await main(['evaluate', '--checkpoint', out, '--json'], io2)).toBe(0);
    expect(JSON.parse(io2.stdout[0]).test).toEqual(r.test);
  });

  it('takes --input-length, --horizon, --split (dates) and --target', async () => {
    const io = capture();
    const code = await main(['train', '--model', 'linear', '--data', 'csv', '--file', file, '--input-length', '48', '--horizon', '6', '--split', '2024-03-18,2024-03-21', '--target', 'Last (kW)', '--epochs', '1', '--json'], io);
    expect(io.stderr.filter((l) => l.startsWith('dive:'))).toEqual([]);
    expect(code).toBe(0);
    expect(JSON.parse(io.stdout[0]).window).toMatchObject({ inputLength: 48, horizon: 6 });
  });

  it('describe --json reports the inferred interval, split, labels and warnings', async () => {
    const io = capture();
    expect(await main(['data', 'describe', 'csv', '--file', file, '--json'], io)).toBe(0);
    const r = JSON.parse(io.stdout[0]);
    expect(r.csv).toMatchObject({
      encoding: 'utf-8 with BOM (stripped)',
      lineEnding: 'CRLF',
      delimiter: { char: ';', how: 'sniffed' },
      decimalComma: true,
      date: { column: 'Zeit', how: 'detected', format: 'iso' },
      targets: { names: ['Last (kW)', 'Temperatur'] },
      interval: { seconds: 3600, text: '1 h' },
      season: { rows: 24 },
      labels: { kind: 'calendar', names: ['hour', 'weekday', 'month'] },
    });
    expect(r.protocol).toMatch(/^chronological 0\.7\/0\.1\/0\.2/);
    expect(r.splits).toEqual({ train: { windows: 229, rows: 420 }, val: { windows: 60, rows: 60 }, test: { windows: 120, rows: 120 } });
    expect(r.labels.map((l: { name: string }) => l.name)).toEqual(['hour', 'weekday', 'month']);
    expect(r.warnings).toEqual([]);
  });

  it('describe warns about gaps and extreme values in plain text', async () => {
    const dirty = path.join(tmp, 'dirty.csv');
    fs.writeFileSync(dirty, excelCsv(600, true));
    const io = capture();
    expect(await main(['data', 'describe', 'csv', '--file', dirty, '--split', '0.6,0.2'], io)).toBe(0);
    const text = io.stdout.join('\n');
    expect(text).toMatch(/^interval: 1 h \(the median step; .*\); gaps: 1, the largest 5 h$/m);
    expect(text).toMatch(/^labels: calendar hour, weekday, month/m);
    expect(text).toMatch(/^protocol: chronological 0\.6\/0\.2\/0\.2/m);
    expect(text).toMatch(/^warning: 1 gap in the dates/m);
    expect(text).toMatch(/^warning: column 'Last \(kW\)': 1 extreme value \(robust z-score > 10\), the largest -999 at line 79/m);
  });

  it('bad input is one dive: line with exit 2', async () => {
    const bad = path.join(tmp, 'bad.csv');
    fs.writeFileSync(bad, 'date,v\n2024-01-01,1\n2024-01-02,x\n2024-01-03,3\n');
    const cases: [string[], RegExp][] = [
      [['train', '--model', 'linear', '--data', 'csv'], /data set 'csv' not found .*pass the CSV with --file PATH/],
      [['train', '--model', 'linear', '--data', 'my.csv'], /use --data csv --file my\.csv/],
      [['train', '--model', 'linear', '--data', 'csv', '--file', bad], /bad\.csv:3: row 2, column 'v' is not a number: 'x'/],
      [['train', '--model', 'linear', '--data', 'synthetic', '--target', 'x'], /data\.csv \(targets\) applies to CSV data sets/],
      [['data', 'describe', 'csv', '--file', file, '--split', '0.9,0.3'], /--split 0\.9,0\.3: the fractions must satisfy/],
      [['data', 'describe', 'csv', '--file', file, '--date-column', 'when'], /date column 'when' is not a column .*\(columns: Zeit, Last \(kW\), Temperatur\)/],
    ];
    for (const [argv, want] of cases) {
      const io = capture();
      expect(await main(argv, io)).toBe(2);
      expect(io.stderr).toHaveLength(1);
      expect(io.stderr[0]).toMatch(/^dive: /);
      expect(io.stderr[0]).toMatch(want);
    }
  });
});
