/** Any CSV as a data set (lib/data/csv.ts, lib/data/cards/csv.ts): reading, inference, errors, and ETTh1 read as a generic CSV. */
import { afterAll, describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { inferCsv, loadCsv, robustExtremes, csvWindowDefaults } from '../../lib/data/csv';
import { csvCard } from '../../lib/data/cards/csv';
import { prepareData, prepareDataset } from '../../lib/data/prepare';
import { registerDataset, resolveDataPath, datasetInfo } from '../../lib/data/registry';
import { dateFormatsOf, parseDateAs } from '../../lib/data/dates';
import { UserError } from '../../lib/util/errors';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dive-csv-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** Hourly (or other interval) rows from 2024-01-01 00:00 UTC, two channels and an optional label. */
function table(n: number, o: { stepMinutes?: number; delim?: string; eol?: string; label?: boolean; decimals?: (v: number) => string } = {}): string {
  const step = (o.stepMinutes ?? 60) * 60_000;
  const d = o.delim ?? ',';
  const fmt = o.decimals ?? ((v: number) => v.toFixed(3));
  const lines = [['date', 'load', 'temp', ...(o.label ? ['state'] : [])].join(d)];
  for (let i = 0; i < n; i++) {
    const t = new Date(Date.UTC(2024, 0, 1) + i * step).toISOString().slice(0, 16).replace('T', ' ');
    lines.push([t, fmt(10 + Math.sin(i / 3)), fmt(20 + Math.cos(i / 5)), ...(o.label ? [i % 48 < 24 ? 'on' : 'off'] : [])].join(d));
  }
  return lines.join(o.eol ?? '\n') + (o.eol ?? '\n');
}

function write(name: string, text: string | Buffer): string {
  const f = path.join(tmp, name);
  fs.writeFileSync(f, text);
  return f;
}

const userError = (f: () => unknown): string => {
  try {
    f();
  } catch (err) {
    expect(err).toBeInstanceOf(UserError);
    const m = (err as Error).message;
    expect(m).not.toMatch(/\n/);
    return m;
  }
  throw new Error('expected a UserError');
};

describe('dates', () => {
  it('reads ISO 8601, slashes, offsets, and day-first only when the column decides it', () => {
    expect(parseDateAs('2024-03-05', 'iso')).toBe(Date.UTC(2024, 2, 5));
    expect(parseDateAs('2024-03-05T13:45:10Z', 'iso')).toBe(Date.UTC(2024, 2, 5, 13, 45, 10));
    expect(parseDateAs('2024-03-05 13:45+02:00', 'iso')).toBe(Date.UTC(2024, 2, 5, 11, 45));
    expect(parseDateAs('2024/03/05 13:45', 'iso')).toBe(Date.UTC(2024, 2, 5, 13, 45));
    expect(parseDateAs('2024-03', 'iso')).toBe(Date.UTC(2024, 2, 1));
    expect(parseDateAs('2023-02-30', 'iso')).toBeNaN();
    expect(parseDateAs('2023-02-03 25:00', 'iso')).toBeNaN();
    expect(dateFormatsOf(['13/01/2024', '14/01/2024'])).toEqual(['dmy']);
    expect(dateFormatsOf(['01/13/2024', '01/14/2024'])).toEqual(['mdy']);
    expect(dateFormatsOf(['01/02/2024'])).toEqual(['dmy', 'mdy']);
    expect(dateFormatsOf(['1.5', '2'])).toEqual([]);
  });
});

describe('inferCsv / loadCsv on generated files', () => {
  it('reads a BOM + CRLF file (Excel) and infers date column, targets, interval, season, window and calendar labels', () => {
    const f = write('excel.csv', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(table(600, { eol: '\r\n' }))]));
    const d = loadCsv(f);
    const c = d.csv;
    expect(c.encoding).toMatch(/BOM/);
    expect(c.lineEnding).toBe('CRLF');
    expect(c.delimiter).toEqual({ char: ',', name: 'comma', how: 'sniffed' });
    expect(c.date).toMatchObject({ column: 'date', how: 'detected', format: 'iso', first: '2024-01-01', last: '2024-01-25 23:00' });
    expect(d.channelNames).toEqual(['load', 'temp']);
    expect(c.interval).toMatchObject({ seconds: 3600, text: '1 h' });
    expect(c.season).toMatchObject({ seconds: 86_400, rows: 24 });
    expect(c.window).toMatchObject({ inputLength: 168, horizon: 24, targetLength: 1 });
    expect(c.labels).toMatchObject({ kind: 'calendar', names: ['hour', 'weekday', 'month'] });
    expect(c.warnings).toEqual([]);
    expect(d.segments[0].values[0]).toBeCloseTo(10, 3);
    expect(d.segments[0].timestamps![1]).toBe(Date.UTC(2024, 0, 1, 1));
    const p = prepareDataset(d, {}, 'csv');
    expect(p.train.labels.map((l) => l.name)).toEqual(['hour', 'weekday', 'month']);
    expect(p.splitRows).toEqual({ train: 420, val: 60, test: 120 });
    expect(p.protocol).toMatch(/0\.7\/0\.1\/0\.2/);
  });

  it("reads ';' with decimal points and with decimal commas, and tab-delimited files", () => {
    const semi = inferCsv(table(100, { delim: ';' }), {}, 'semi.csv');
    expect(semi.inference.delimiter.char).toBe(';');
    expect(semi.values[0]).toBeCloseTo(10, 3);
    const comma = inferCsv(table(100, { delim: ';', decimals: (v) => v.toFixed(3).replace('.', ',') }), {}, 'eu.csv');
    expect(comma.inference.delimiter.char).toBe(';');
    expect(comma.inference.decimalComma).toBe(true);
    expect(Array.from(comma.values)).toEqual(Array.from(semi.values));
    const tab = inferCsv(table(100, { delim: '\t' }), {}, 'tab.tsv');
    expect(tab.inference.delimiter).toMatchObject({ char: '\t', name: 'tab' });
    expect(Array.from(tab.values)).toEqual(Array.from(semi.values));
  });

  it('reads quoted fields with embedded delimiters, quotes and line breaks, and a CR-only file', () => {
    const text = 'id,"Date, local","value ""a"""\n"x, 1",2024-01-01,1.5\n"y ""2""",2024-01-02,"2.5"\n"z\nline",2024-01-03,3.5\nw,2024-01-04,4\n';
    const t = inferCsv(text, {}, 'q.csv');
    expect(t.inference.date.column).toBe('Date, local');
    expect(t.inference.targets.names).toEqual(['value "a"']);
    expect(Array.from(t.values)).toEqual([1.5, 2.5, 3.5, 4]);
    // 'id' is text with 4 distinct values: a label column
    expect(t.rowLabels.map((l) => l.spec)).toEqual([{ name: 'id', classes: ['w', 'x, 1', 'y "2"', 'z\nline'] }]);
    const cr = inferCsv(table(50, { eol: '\r' }), {}, 'cr.csv');
    expect(cr.inference.lineEnding).toBe('CR');
    expect(cr.rows).toBe(50);
  });

  it('turns a text column into window labels (the value at the last target row) instead of the calendar', () => {
    const d = loadCsv(write('label.csv', table(600, { label: true })));
    expect(d.csv.labels).toEqual({ kind: 'columns', how: 'detected', columns: [{ name: 'state', classes: ['off', 'on'] }] });
    const p = prepareDataset(d, { inputLength: 24, horizon: 6 }, 'csv');
    expect(p.train.labels).toEqual([{ name: 'state', classes: ['off', 'on'] }]);
    for (const i of [0, 5, 100]) {
      const lastTarget = i + 24 + 6 - 1; // windows start at row i (stride 1)
      expect(p.train.label(i, 0)).toBe(lastTarget % 48 < 24 ? 1 : 0);
    }
    // named labels: a numeric column as a label, the rest targets; labels: [] = calendar
    const named = loadCsv(path.join(tmp, 'label.csv'), { labels: ['state'], targets: ['temp'] });
    expect(named.channelNames).toEqual(['temp']);
    expect(named.csv.columns.find((c) => c.name === 'load')).toMatchObject({ role: 'ignored' });
    expect(loadCsv(path.join(tmp, 'label.csv'), { labels: [] }).csv.labels.kind).toBe('calendar');
  });

  it('uses a named date column anywhere, and rejects a named column that does not exist', () => {
    const text = 'a,b,when\n1,2,03/01/2024\n2,3,04/01/2024\n3,4,13/01/2024\n';
    const t = inferCsv(text, { dateColumn: 'when' }, 'named.csv');
    expect(t.inference.date).toMatchObject({ column: 'when', how: 'named', format: 'dmy' });
    expect(t.timestamps[2]).toBe(Date.UTC(2024, 0, 13));
    expect(userError(() => inferCsv(text, { dateColumn: 'time' }, 'named.csv'))).toMatch(/date column 'time' is not a column of named\.csv \(columns: a, b, when\)/);
    expect(userError(() => inferCsv('a,b\n1,2\n3,4\n', {}, 'nodate.csv'))).toMatch(/no date column .*--date-column NAME/);
    expect(userError(() => inferCsv('d,v\n01/02/2024,1\n02/02/2024,2\n', {}, 'amb.csv'))).toMatch(/both day-first and month-first/);
    expect(inferCsv('d,v\n01/02/2024,1\n02/02/2024,2\n', { dateOrder: 'mdy' }).timestamps[1]).toBe(Date.UTC(2024, 1, 2));
  });

  it('reverses a newest-first file and rejects duplicate or unsorted dates in one line', () => {
    const t = inferCsv('d,v\n2024-01-03,3\n2024-01-02,2\n2024-01-01,1\n');
    expect(t.inference.date.reversed).toBe(true);
    expect(Array.from(t.values)).toEqual([1, 2, 3]);
    expect(userError(() => inferCsv('d,v\n2024-01-01,1\n2024-01-01,2\n2024-01-02,3\n', {}, 'dup.csv'))).toMatch(/^dup\.csv:3: date '2024-01-01' repeats/);
    expect(userError(() => inferCsv('d,v\n2024-01-01,1\n2024-01-03,2\n2024-01-02,3\n', {}, 'uns.csv'))).toMatch(/^uns\.csv:4: .*sort the file by date/);
    expect(userError(() => inferCsv('d,v\n2024-01-01,1\n,2\n2024-01-02,3\n', {}, 'miss.csv'))).toMatch(/^miss\.csv:3: the date .* is empty/);
  });

  it('names line, row and column of a non-numeric or empty cell', () => {
    const lines = table(30).split('\n');
    lines[7] = lines[7].replace(/,[^,]*,/, ',n/a,');
    expect(userError(() => inferCsv(lines.join('\n'), {}, 'bad.csv'))).toBe("bad.csv:8: row 7, column 'load' is not a number: 'n/a'; fix the value or drop the row");
    lines[7] = lines[7].replace(',n/a,', ',,');
    expect(userError(() => inferCsv(lines.join('\n'), {}, 'bad.csv'))).toMatch(/^bad\.csv:8: row 7, column 'load' is empty/);
    expect(userError(() => inferCsv('d,v\n2024-01-01,1\n2024-01-02,2,3\n2024-01-03,3\n', {}, 'ragged.csv'))).toMatch(/^ragged\.csv:3: has 3 fields, the header has 2/);
    expect(userError(() => inferCsv('d,v\n2024-01-01,1\n', {}, 'short.csv'))).toMatch(/at least 2 rows/);
    expect(userError(() => inferCsv(table(30), { targets: ['nope'] }, 't.csv'))).toMatch(/target column 'nope' is not a column/);
  });

  it('reports gaps and extreme values (robust z-scores) as warnings', () => {
    const lines = table(300).trimEnd().split('\n');
    lines.splice(101, 5); // drop 5 hours after row 99: one gap of 6 h
    lines.splice(201, 2); // and 2 more later: a gap of 3 h
    lines[50] = lines[50].replace(/,([^,]*),/, ',1000000,');
    const t = inferCsv(lines.join('\n'), {}, 'dirty.csv');
    const c = t.inference;
    expect(c.interval.seconds).toBe(3600);
    expect(c.gaps).toMatchObject({ count: 2, largestSeconds: 6 * 3600, largest: '6 h' });
    expect(c.gaps.first[0]).toEqual({ line: 102, from: '2024-01-05 03:00', to: '2024-01-05 09:00' });
    expect(c.extremes).toEqual([{ column: 'load', count: 1, maxZ: expect.any(Number), line: 51, value: 1_000_000 }]);
    expect(c.warnings).toHaveLength(2);
    expect(c.warnings[0]).toMatch(/^2 gaps in the dates .* the largest 6 h/);
    expect(c.warnings[1]).toMatch(/^column 'load': 1 extreme value \(robust z-score > 10\), the largest 1000000 at line 51/);
    expect(robustExtremes([1, 2, 3, 4, 5]).count).toBe(0);
    expect(robustExtremes([...new Array<number>(19).fill(0), 50]).count).toBe(1); // MAD 0: mean-absolute-deviation fallback
  });

  it('10-minute and daily data: calendar labels, season and window follow the interval', () => {
    const ten = loadCsv(write('ten.csv', table(5000, { stepMinutes: 10 })));
    expect(ten.csv.interval.text).toBe('10 min');
    expect(ten.csv.season).toMatchObject({ rows: 144, text: '1 day' });
    expect(ten.csv.window).toMatchObject({ inputLength: 1008, horizon: 144 });
    expect(ten.csv.labels).toMatchObject({ kind: 'calendar', names: ['hour', 'weekday', 'month'] });
    const day = loadCsv(write('day.csv', table(400, { stepMinutes: 1440 })));
    expect(day.csv.interval.text).toBe('1 day');
    expect(day.csv.season).toMatchObject({ rows: 7, text: '7 days' });
    expect(day.csv.window).toMatchObject({ inputLength: 49, horizon: 7 });
    expect(day.csv.labels).toMatchObject({ kind: 'calendar', names: ['weekday', 'month'] });
    const p = prepareDataset(day, {}, 'csv');
    expect(p.train.labels.map((l) => l.name)).toEqual(['weekday', 'month']);
    // a short file: the window shrinks so the training part holds two windows
    expect(csvWindowDefaults(100, 24)).toMatchObject({ inputLength: 28, horizon: 4 });
    const short = prepareDataset(loadCsv(write('short.csv', table(100))), {}, 'csv');
    expect(short.spec).toMatchObject({ inputLength: 28, horizon: 4 });
  });

  it('splits by dates, and csvCard declares a named data set in a few lines', () => {
    const f = write('station.csv', table(24 * 30));
    const remove = registerDataset(csvCard({ name: 'my-station', description: 'a station', file: f, targets: ['load'], defaults: { split: { kind: 'dates', trainEnd: '2024-01-20', valEnd: '2024-01-25' } } }));
    try {
      expect(datasetInfo('my-station').csv).toEqual({ targets: ['load'] });
      expect(resolveDataPath('my-station').path).toBe(f);
      const p = prepareData('my-station', { inputLength: 48, horizon: 12 });
      expect(p.dataset.channelNames).toEqual(['load']);
      expect(p.split.rows.train[0]).toMatchObject({ from: 0, to: 19 * 24 });
      expect(p.split.rows.val[0]).toMatchObject({ from: 19 * 24, to: 24 * 24 });
      expect(p.split.rows.test[0]).toMatchObject({ from: 24 * 24, to: 30 * 24 });
      expect(p.split.description).toMatch(/^by dates: train before 2024-01-20/);
      expect(userError(() => prepareData('my-station', { split: { kind: 'dates', trainEnd: '2023-01-01', valEnd: '2024-01-25' } }))).toMatch(/no row .* before the split's trainEnd 2023-01-01/);
    } finally {
      remove();
    }
    expect(userError(() => prepareData('csv'))).toMatch(/data set 'csv' not found .*--file PATH/);
    expect(userError(() => datasetInfo('my.csv'))).toMatch(/use --data csv --file my\.csv/);
  });
});

describe('ETTh1 read as a generic CSV (real data)', () => {
  it('gives the same windows, values, timestamps, labels, scaler and split rows as the ett-h1 card', () => {
    const file = resolveDataPath('ett-h1').path;
    const ett = prepareData('ett-h1', { file });
    const csv = prepareData('csv', { file, split: { kind: 'dates', trainEnd: '2017-06-26', valEnd: '2017-10-24', testEnd: '2018-02-21' } });
    const c = (csv.dataset as unknown as { csv: { interval: { seconds: number }; warnings: string[]; labels: { kind: string } } }).csv;
    expect(c.interval.seconds).toBe(3600);
    expect(c.labels.kind).toBe('calendar');
    expect(csv.dataset.channelNames).toEqual(ett.dataset.channelNames);
    expect(csv.dataset.sampleRateHz).toBe(ett.dataset.sampleRateHz);
    const [a, b] = [ett.dataset.segments[0], csv.dataset.segments[0]];
    expect(b.length).toBe(a.length);
    expect(Buffer.from(b.values.buffer).equals(Buffer.from(a.values.buffer))).toBe(true);
    expect(Buffer.from(b.timestamps!.buffer).equals(Buffer.from(a.timestamps!.buffer))).toBe(true);
    expect(csv.spec).toEqual(ett.spec);
    expect(csv.split.rows).toEqual(ett.split.rows);
    expect(csv.split.ranges).toEqual(ett.split.ranges);
    expect(Array.from(csv.scaler.offset)).toEqual(Array.from(ett.scaler.offset));
    expect(Array.from(csv.scaler.scale)).toEqual(Array.from(ett.scaler.scale));
    for (const s of ['train', 'val', 'test'] as const) {
      expect(csv[s].count).toBe(ett[s].count);
      expect(csv[s].labels).toEqual(ett[s].labels);
      const all = Int32Array.from({ length: ett[s].count }, (_, i) => i);
      const [x, y] = [ett[s].batch(all), csv[s].batch(all)];
      expect(Buffer.from(y.x.buffer).equals(Buffer.from(x.x.buffer))).toBe(true);
      expect(Buffer.from(y.y.buffer).equals(Buffer.from(x.y.buffer))).toBe(true);
      expect(y.labels.map((l) => Array.from(l))).toEqual(x.labels.map((l) => Array.from(l)));
    }
    expect(csv.classFrequencies.map((f) => Array.from(f))).toEqual(ett.classFrequencies.map((f) => Array.from(f)));
  });
});
