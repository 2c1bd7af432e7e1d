/**
 * CSV data sets: the built-in `csv` card (any CSV given with `--file`) and `csvCard`, the
 * factory for a named card of your own. What is read and inferred (delimiter, date column,
 * targets, labels, interval, season, window) is csv.ts's module doc.
 */
import * as path from 'node:path';
import type { DatasetCard, DatasetDefaults } from '../card';
import { isCsvDataset, loadCsv, type CsvOptions } from '../csv';
import type { SplitProtocol } from '../splits';

/** The CSV cards' default split: chronological 0.7 / 0.1 / 0.2 by target index. */
export const CSV_SPLIT: SplitProtocol = { kind: 'fractions', train: 0.7, val: 0.1 };

/** A named CSV data set (see `csvCard`). */
export interface CsvCardSpec extends CsvOptions {
  /** Registry name (`--data NAME`): lower case, digits and '-'. */
  readonly name: string;
  readonly description?: string;
  /** The CSV file (resolved against the working directory now); without it, `--file PATH` / `options.file`. */
  readonly file?: string;
  /** Protocol overrides (window, split, scaler, seasonSeconds) on top of the inferred ones. */
  readonly defaults?: Partial<DatasetDefaults>;
}

/**
 * Declare a data set from a CSV in a few lines — the "data set from a CSV" recipe:
 *
 * ```ts
 * import { data } from 'divelab';
 * data.registerDataset(data.csvCard({ name: 'my-station', description: 'weather station, 10 min', file: 'station.csv', targets: ['temp', 'wind'] }));
 * const prepared = data.prepareData('my-station');          // or: dive train --data my-station (in a plugin)
 * ```
 *
 * Every `CsvOptions` field (dateColumn, targets, labels, delimiter, dateOrder) may be given;
 * what is not given is inferred from the file (csv.ts). `defaults` overrides the inferred
 * protocol, e.g. `{ split: { kind: 'dates', trainEnd: '2024-01-01', valEnd: '2024-03-01' } }`
 * or `{ window: { inputLength: 96, horizon: 12, targetLength: 1, stride: 1 } }`.
 * Default protocol: window from the interval (input 7 seasons, horizon 1 season), chronological
 * 0.7 / 0.1 / 0.2 split, z-score fitted on the training rows.
 */
export function csvCard(spec: CsvCardSpec): DatasetCard {
  const { name, description, file, defaults, ...csv } = spec;
  const absolute = file !== undefined ? path.resolve(file) : undefined;
  const base: DatasetDefaults = {
    window: { inputLength: 168, horizon: 24, targetLength: 1, stride: 1 },
    split: CSV_SPLIT,
    scaler: 'zscore',
    seasonSeconds: 86_400,
    ...defaults,
  };
  return {
    name,
    description: description ?? `${absolute ? path.basename(absolute) : 'a CSV file'} read as a data set (csv.ts)`,
    kind: 'file',
    locations: absolute ? [absolute] : [],
    obtain: {
      kind: 'bring',
      list: absolute ? `your CSV: ${absolute}` : 'your own CSV: --file PATH',
      fix: () => (absolute ? `the card's file ${absolute} is missing; restore it or pass --file PATH` : 'pass the CSV with --file PATH (a header row, a date column and numeric columns; docs/data.md "Your own CSV")'),
    },
    labels: 'label columns (text columns with 2–64 values, or named), else calendar: hour, weekday, month of the target time (weekday and month for daily data)',
    calendar: "the file's date column (UTC); interval = the median step",
    defaults: base,
    csv,
    defaultsFor(dataset) {
      if (!isCsvDataset(dataset)) return base;
      const w = dataset.csv.window;
      return {
        window: { inputLength: w.inputLength, horizon: w.horizon, targetLength: w.targetLength, stride: w.stride },
        split: CSV_SPLIT,
        scaler: 'zscore',
        seasonSeconds: dataset.csv.season.seconds,
        ...defaults,
      };
    },
    load: (f, options) => loadCsv(f!, { ...csv, ...options.csv, name }),
  };
}

/** Any CSV: `dive train --data csv --file my.csv`, `dive data describe csv --file my.csv`. */
export const csv: DatasetCard = csvCard({
  name: 'csv',
  description: 'any CSV with a header, a date column and numeric columns (--file PATH); delimiter, dates, targets, labels, interval and window inferred',
});
