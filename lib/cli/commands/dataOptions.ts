/**
 * The data options `dive train` and `dive data describe` share: window length, split, and how
 * to read a CSV (`--data csv --file my.csv`). They become a patch of the run config's `data`
 * section (lib/train/run.ts RunDataSchema), so the command line and `--config` say the same.
 */
import type { OptionSpec, ParsedArgs } from '../../util/command';
import { optList, optNumber, optString } from '../../util/command';
import { parseDelimiter } from '../../data/csv';
import { UserError } from '../../util/errors';
import { PROTOCOL_NAMES } from '../../data/protocols';
import { deepMerge, isPlainObject } from '../../util/merge';

export const DATA_OPTIONS: readonly OptionSpec[] = [
  { name: 'protocol', type: 'string', value: 'NAME', description: "a named forecasting protocol instead of the data set's window: tslib = Time-Series-Library's long-horizon protocol on the ETT files (input 96, forecast every row 1..H; --horizon 96|192|336|720, default 96; docs/data.md)", choices: [...PROTOCOL_NAMES] },
  { name: 'input-length', type: 'integer', value: 'L', description: 'input window length in rows (default: the data set protocol; CSV: 7 seasons)' },
  { name: 'split', type: 'string', value: 'S', description: "the split: fractions 'TRAIN,VAL' (e.g. 0.7,0.1; the rest is test) or dates 'TRAIN_END,VAL_END[,TEST_END]' (e.g. 2017-06-26,2017-10-24)" },
  { name: 'date-column', type: 'string', value: 'NAME', description: 'CSV: the date column (default: the first column of dates)' },
  { name: 'target', type: 'list', value: 'NAMES', description: 'CSV: the columns to forecast, comma-separated (default: every numeric column)' },
  { name: 'labels', type: 'list', value: 'NAMES', description: "CSV: label columns, comma-separated, or 'none' for calendar labels (default: text columns with 2-64 values)" },
  { name: 'delimiter', type: 'string', value: 'D', description: "CSV: field delimiter ',', ';' or tab (default: sniffed)" },
];

/** Parse `--split`: two fractions, or two or three dates. */
export function parseSplitOption(text: string): Record<string, unknown> {
  const parts = text.split(',').map((s) => s.trim());
  const fix = "write --split 0.7,0.1 (train and validation fractions) or --split 2017-06-26,2017-10-24[,2018-02-21] (the dates where train, validation and test end)";
  if (parts.length === 2 && parts.every((p) => /^(0?\.\d+|0|1)$/.test(p))) {
    const [train, val] = parts.map(Number);
    if (!(train > 0 && val >= 0 && train + val < 1)) throw new UserError(`--split ${text}: the fractions must satisfy train > 0, val ≥ 0, train + val < 1; ${fix}`);
    return { train, val };
  }
  if ((parts.length === 2 || parts.length === 3) && parts.every((p) => /^\d{4}-\d{2}(-\d{2})?([T ]\d{2}:\d{2}(:\d{2})?)?$/.test(p))) {
    return { trainEnd: parts[0], valEnd: parts[1], ...(parts[2] !== undefined ? { testEnd: parts[2] } : {}) };
  }
  throw new UserError(`--split '${text}' is neither two fractions nor two or three dates; ${fix}`);
}

/** The run config's `data` section with the command line's data options on top of `configData`. */
export function dataConfigWithOptions(args: ParsedArgs, configData: unknown): unknown {
  const patch: Record<string, unknown> = {};
  const csv: Record<string, unknown> = {};
  const protocol = optString(args, 'protocol');
  if (protocol !== undefined) patch.protocol = protocol;
  const inputLength = optNumber(args, 'input-length');
  if (inputLength !== undefined) patch.inputLength = inputLength;
  const dateColumn = optString(args, 'date-column');
  if (dateColumn !== undefined) csv.dateColumn = dateColumn;
  const targets = optList(args, 'target');
  if (targets.length) csv.targets = targets;
  const labels = optList(args, 'labels');
  if (labels.length) csv.labels = labels.length === 1 && labels[0].toLowerCase() === 'none' ? [] : labels;
  const delimiter = optString(args, 'delimiter');
  if (delimiter !== undefined) csv.delimiter = parseDelimiter(delimiter) === '\t' ? 'tab' : parseDelimiter(delimiter);
  if (Object.keys(csv).length) patch.csv = csv;
  const split = optString(args, 'split');
  if (Object.keys(patch).length === 0 && split === undefined) return configData;
  if (configData !== undefined && !isPlainObject(configData)) return configData; // parseConfig reports it
  const merged = deepMerge((configData as Record<string, unknown> | undefined) ?? {}, patch);
  if (split !== undefined) merged.split = parseSplitOption(split);
  return merged;
}
