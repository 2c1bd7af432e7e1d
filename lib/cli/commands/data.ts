/** `dive data list | describe <name> | fetch <name>`: the data sets, their shape and protocol, and downloads. */
import type { Command, CliIO } from '../../util/command';
import { optNumber, optString } from '../../util/command';
import { datasetCards, datasetInfo, findDataset, manifestEntry, resolveDataPath, type DatasetCard } from '../../data/registry';
import { prepareData, type Prepared } from '../../data/prepare';
import { fetchDataset } from '../../data/fetch';
import { cacheDir, mirrorDir } from '../../data/paths';
import { SPLIT_NAMES } from '../../data/splits';
import { terminalSink } from '../../util/progress';
import { parseConfig } from '../../util/config';
import { prepareOptionsOf, RunDataSchema } from '../../train/run';
import type { CsvInference } from '../../data/csv';
import { DATA_OPTIONS, dataConfigWithOptions } from './dataOptions';

function datasetSummary(info: DatasetCard) {
  const name = info.name;
  const m = manifestEntry(name);
  let available: string | undefined;
  if (info.kind === 'generated') available = 'generated';
  else {
    try {
      available = resolveDataPath(name).path;
    } catch {
      available = undefined;
    }
  }
  return {
    name,
    description: info.description,
    kind: info.kind,
    available: available ?? null,
    licence: m?.licence ?? (info.kind === 'generated' ? 'MIT (generated)' : null),
    obtain: info.obtain.kind === 'bring' ? info.obtain.list : info.obtain.kind === 'fetch' ? `run 'dive data fetch ${name}'` : 'generated',
    labels: info.labels,
    calendar: info.calendar,
    citation: m?.citation ?? null,
    url: m ? m.baseUrl : null,
  };
}

export const dataListCommand: Command = {
  words: ['data', 'list'],
  summary: 'list the data sets, where each is found, licence and source',
  maxArgs: 0,
  options: [],
  async run(args, io) {
    const rows = datasetCards().map(datasetSummary);
    if (args.json) {
      io.json({ cache: cacheDir(), mirror: mirrorDir() ?? null, datasets: rows });
      return 0;
    }
    const w = Math.max(...rows.map((r) => r.name.length));
    for (const r of rows) {
      io.out(`${r.name.padEnd(w)}  ${r.description}`);
      io.out(`${''.padEnd(w)}  ${r.available ? `found: ${r.available}` : `not found (${r.obtain})`}`);
    }
    return 0;
  },
};

/** The describe report (also used by notebooks). */
export function describePrepared(p: Prepared, where?: string) {
  const d = p.dataset;
  const rows = d.segments.reduce((s, g) => s + g.length, 0);
  const ts = d.segments[0]?.timestamps;
  const last = d.segments[d.segments.length - 1];
  const span = ts
    ? { start: new Date(ts[0]).toISOString(), end: new Date(last.timestamps![last.length - 1]).toISOString() }
    : { durationSeconds: rows / d.sampleRateHz, perSegmentSeconds: d.segments.length ? d.segments[0].length / d.sampleRateHz : 0 };
  const info = findDataset(d.name);
  return {
    name: d.name,
    source: d.source,
    where: where ?? null,
    rows,
    channels: d.channelNames.length,
    channelNames: d.channelNames,
    segments: d.segments.length,
    sampleRateHz: d.sampleRateHz,
    timeSpan: span,
    calendar: calendarOf(d),
    horizons: p.horizons ?? info?.defaults.horizons ?? null,
    protocol: p.protocol,
    window: p.spec,
    splits: Object.fromEntries(SPLIT_NAMES.map((s) => [s, { windows: p[s].count, rows: p.splitRows[s] }])),
    /** benchmark: the out-of-distribution test windows (held-out factor combinations), else null. */
    ood: p.ood ? { windows: p.ood.count, rows: p.ood.count * (p.spec.inputLength + p.spec.horizon) } : null,
    labels: p.train.labels.map((l, i) => ({
      name: l.name,
      classes: l.classes,
      trainFrequencies: Array.from(p.classFrequencies[i], (f) => Number(f.toFixed(4))),
    })),
    factors: p.train.factorNames,
    binEdges: p.binEdges,
    scaler: p.scaler.toJSON(),
    notes: p.notes,
    /** CSV data sets: every inference (csv.ts CsvInference), else null. */
    csv: ((d.meta as { csv?: CsvInference } | undefined)?.csv ?? null) as CsvInference | null,
    /** Warnings about the data (CSV: gaps, extreme values, irregular sampling, constant columns). */
    warnings: [...((d.meta as { csv?: CsvInference } | undefined)?.csv?.warnings ?? []), ...(typeof d.meta?.warning === 'string' ? [d.meta.warning] : [])],
    meta: d.meta ?? {},
  };
}

/** The CSV inference lines of `dive data describe`. */
function printCsv(c: CsvInference, io: CliIO): void {
  io.out(`read: ${c.encoding}, ${c.lineEnding} line ends, ${c.delimiter.name}-delimited (${c.delimiter.how})${c.decimalComma ? ', decimal commas accepted' : ''}, ${c.rows} rows`);
  io.out(`date column: '${c.date.column}' (${c.date.how}; ${c.date.formatText}, UTC), ${c.date.first} … ${c.date.last}${c.date.reversed ? ' (the file is newest first: reversed)' : ''}`);
  io.out(`columns: ${c.columns.map((k) => `${k.name} → ${k.role}${k.role === 'date' ? '' : ` (${k.why})`}`).join('; ')}`);
  io.out(`interval: ${c.interval.text} (the median step; ${(100 * c.interval.regularShare).toFixed(0)}% of steps within 15% of it); gaps: ${c.gaps.count === 0 ? 'none' : `${c.gaps.count}, the largest ${c.gaps.largest}`}`);
  io.out(`season: ${c.season.text} = ${c.season.rows} rows (seasonal-naive cycle)`);
  io.out(`default window: ${c.window.rule}`);
  io.out(
    c.labels.kind === 'calendar'
      ? `labels: calendar ${c.labels.names.join(', ')} (${c.labels.why})`
      : `labels: columns ${c.labels.columns.map((l) => `${l.name} (${l.classes.length} classes)`).join(', ')} (${c.labels.how}; the value at each window's last target row)`,
  );
  io.out(`extreme values (robust z-score > 10): ${c.extremes.length === 0 ? 'none' : c.extremes.map((e) => `${e.column} ${e.count} (largest ${e.value} at line ${e.line})`).join(', ')}`);
}

/** "1 h", "10 min", "1 day", "7 days", "30 s": a sampling interval for people. */
export function formatInterval(seconds: number): string {
  if (seconds % 86_400 === 0) return seconds === 86_400 ? '1 day' : `${seconds / 86_400} days`;
  if (seconds % 3600 === 0) return `${seconds / 3600} h`;
  if (seconds % 60 === 0) return `${seconds / 60} min`;
  return `${Number(seconds.toPrecision(6))} s`;
}

/**
 * The calendar of a single-segment, regularly sampled data set with timestamps (ETT, the LSTNet
 * suite): first and last timestamp, interval, rows; null otherwise (gait, synthetic).
 */
function calendarOf(d: Prepared['dataset']) {
  if (d.segments.length !== 1 || !d.segments[0].timestamps || d.segments[0].length < 2) return null;
  const s = d.segments[0];
  const ts = s.timestamps!;
  const intervalSeconds = (ts[1] - ts[0]) / 1000;
  return {
    start: new Date(ts[0]).toISOString(),
    end: new Date(ts[s.length - 1]).toISOString(),
    intervalSeconds,
    interval: formatInterval(intervalSeconds),
    rows: s.length,
  };
}

function printDescribe(r: ReturnType<typeof describePrepared>, io: CliIO): void {
  io.out(`${r.name}: ${r.rows} rows x ${r.channels} channels in ${r.segments} segment(s), ${r.sampleRateHz < 0.01 ? `1 per ${Math.round(1 / r.sampleRateHz)} s` : `${r.sampleRateHz} Hz`}`);
  io.out(`source: ${r.source}${r.where ? ` (${r.where})` : ''}`);
  io.out(`channels: ${r.channelNames.length > 12 ? `${r.channelNames.slice(0, 12).join(', ')}, … (${r.channelNames.length})` : r.channelNames.join(', ')}`);
  io.out(`time span: ${'start' in r.timeSpan ? `${r.timeSpan.start} … ${r.timeSpan.end}` : `${r.timeSpan.perSegmentSeconds} s per segment`}`);
  if (r.calendar) io.out(`calendar: ${r.calendar.rows} rows every ${r.calendar.interval} from ${r.calendar.start} to ${r.calendar.end}`);
  if (r.horizons) io.out(`horizons of the protocol: ${r.horizons.join(', ')} rows (default ${r.window.horizon}; --horizon H in dive train)`);
  if (r.csv) printCsv(r.csv, io);
  for (const w of r.warnings) io.out(`warning: ${w}`);
  io.out(`protocol: ${r.protocol}`);
  for (const s of SPLIT_NAMES) io.out(`  ${s.padEnd(5)} ${String(r.splits[s].windows).padStart(7)} windows, ${r.splits[s].rows} rows`);
  if (r.ood) io.out(`  ${'ood'.padEnd(5)} ${String(r.ood.windows).padStart(7)} windows, ${r.ood.rows} rows (held-out factor combinations, evaluated separately)`);
  const levels = r.meta.factors as { name: string; levels: number; circular: boolean }[] | undefined;
  if (Array.isArray(levels)) io.out(`discrete factors: ${levels.map((f) => `${f.name} ${f.levels}${f.circular ? ' (circular)' : ''}`).join(', ')}`);
  for (const l of r.labels) {
    io.out(`label ${l.name} (${l.classes.length} classes; train frequencies):`);
    io.out(`  ${l.classes.map((c, k) => `${c}: ${l.trainFrequencies[k]}`).join(', ')}`);
  }
  if (r.factors.length) io.out(`ground-truth factors: ${r.factors.join(', ')}`);
  for (const n of r.notes) io.out(`note: ${n}`);
}

export const dataDescribeCommand: Command = {
  words: ['data', 'describe'],
  summary: 'rows, channels, segments, labels and split sizes of a data set under its default protocol',
  args: '<name>',
  minArgs: 1,
  maxArgs: 1,
  options: [
    { name: 'file', type: 'string', value: 'PATH', description: 'read this file/folder instead of the cache/mirror (csv: the CSV)' },
    { name: 'seed', type: 'integer', value: 'N', description: 'seed of the by-subject split / synthetic generator', default: 0 },
    { name: 'horizon', type: 'integer', value: 'H', description: 'forecast horizon in rows (default: the data set protocol)' },
    ...DATA_OPTIONS,
  ],
  help: 'For a CSV (dive data describe csv --file my.csv) it shows every inference — encoding, line ends, delimiter, date column and format, the role of each column, interval, gaps, season, default window, labels — and warns about gaps and extreme values (robust z-score > 10).',
  async run(args, io) {
    const name = args.positionals[0];
    const info = datasetInfo(name);
    const file = optString(args, 'file');
    const where = info.kind === 'generated' ? 'generated' : resolveDataPath(name, file).where;
    const dataCfg = parseConfig(RunDataSchema, dataConfigWithOptions(args, undefined), 'data');
    dataCfg.seed = optNumber(args, 'seed') ?? 0;
    const horizon = optNumber(args, 'horizon');
    if (horizon !== undefined) dataCfg.horizon = horizon;
    const opts = prepareOptionsOf(dataCfg, file, info.name);
    const p = prepareData(name, info.name === 'benchmark' ? { ...opts, benchmark: undefined, seed: dataCfg.seed } : opts);
    const report = describePrepared(p, where);
    if (args.json) io.json(report);
    else printDescribe(report, io);
    return 0;
  },
};

export const dataFetchCommand: Command = {
  words: ['data', 'fetch'],
  summary: 'download a data set into the cache (DIVE_DATA_DIR), verified by sha256',
  args: '<name>',
  help: 'Copies from DIVE_DATA_MIRROR when set and holding the file, else downloads. Files are written under a temporary name and renamed only after the checksum matches.',
  minArgs: 1,
  maxArgs: 1,
  options: [],
  async run(args, io) {
    const report = await fetchDataset(args.positionals[0], { progress: args.json ? undefined : terminalSink(io.interactive) });
    if (args.json) {
      io.json(report);
      return 0;
    }
    const by = (s: string) => report.files.filter((f) => f.source === s).length;
    io.out(`${report.name}: ${report.files.length} files in ${report.folder} (${by('cache')} already cached, ${by('mirror')} from mirror, ${by('download')} downloaded; all verified)`);
    return 0;
  },
};
