/**
 * PhysioNet WFDB records: header (`.hea`) parsing and signal format 212.
 *
 * Format 212: 12-bit two's-complement samples, two samples packed in three bytes:
 *   byte0 = low 8 bits of s0; byte1 low nibble = high 4 bits of s0, high nibble = high 4 bits
 *   of s1; byte2 = low 8 bits of s1.
 * Signals sharing one file are interleaved frame by frame (s0 of signal 1, s0 of signal 2, …).
 * The ADC value -2048 marks an invalid (missing) sample in format 212.
 *
 * Header signal line: `file format gain[(baseline)][/units] adcres adczero initval checksum
 * blocksize description`; physical = (adc − baseline) / gain, baseline defaulting to adczero,
 * gain 0 meaning the WFDB default 200, units defaulting to "mV". `checksum` is the 16-bit sum of
 * all samples and `initval` the first sample: both are verified on read.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { UserError } from '../util/errors';

/** The ADC value marking an invalid sample in format 212. */
export const INVALID_212 = -2048;

export interface WfdbSignal {
  readonly file: string;
  readonly format: number;
  /** ADC units per physical unit. */
  readonly gain: number;
  readonly baseline: number;
  readonly units: string;
  readonly adcResolution: number;
  readonly adcZero: number;
  /** First sample's ADC value (-32768: the first sample is invalid). */
  readonly initialValue: number | undefined;
  /** 16-bit signed sum of all samples. */
  readonly checksum: number | undefined;
  readonly description: string;
}

export interface WfdbHeader {
  readonly record: string;
  readonly samplingFrequency: number;
  /** Samples per signal (undefined when the header omits it). */
  readonly samples: number | undefined;
  readonly signals: readonly WfdbSignal[];
}

/** Parse a WFDB header's text (single-segment records only). `file` is used in messages. */
export function parseWfdbHeader(text: string, file: string): WfdbHeader {
  const lines = text.split(/\r?\n/).map((l, i) => ({ l: l.trim(), n: i + 1 })).filter((x) => x.l !== '' && !x.l.startsWith('#'));
  if (lines.length === 0) throw new UserError(`${file} is an empty WFDB header; re-download the record`);
  const rec = lines[0].l.split(/\s+/);
  if (rec.length < 2) throw new UserError(`${file}:${lines[0].n}: record line '${lines[0].l}' needs 'name nsig [fs [nsamp]]'; re-download the header`);
  if (rec[0].includes('/')) throw new UserError(`${file}: multi-segment WFDB records are not supported; convert the record to a single segment`);
  const nsig = Number(rec[1]);
  if (!Number.isInteger(nsig) || nsig < 1) throw new UserError(`${file}:${lines[0].n}: bad signal count '${rec[1]}'; re-download the header`);
  const fs_ = rec[2] !== undefined ? parseFloat(rec[2]) : 250;
  if (!(fs_ > 0)) throw new UserError(`${file}:${lines[0].n}: bad sampling frequency '${rec[2]}'; fix the header`);
  let samples: number | undefined;
  if (rec[3] !== undefined) {
    samples = Number(rec[3]);
    if (!Number.isInteger(samples) || samples < 0) throw new UserError(`${file}:${lines[0].n}: bad sample count '${rec[3]}'; fix the header`);
  }
  if (lines.length - 1 < nsig) throw new UserError(`${file}: declares ${nsig} signals but has ${lines.length - 1} signal lines; re-download the header`);
  const signals: WfdbSignal[] = [];
  for (let s = 0; s < nsig; s++) {
    const { l, n } = lines[1 + s];
    const f = l.split(/\s+/);
    const where = `${file}:${n}`;
    if (f.length < 2) throw new UserError(`${where}: signal line '${l}' needs at least 'file format'; fix the header`);
    const fmt = /^(\d+)$/.exec(f[1]);
    if (!fmt) throw new UserError(`${where}: signal format '${f[1]}' (with sample-rate/skew/offset modifiers) is not supported; only plain formats are`);
    let gain = 200;
    let baseline: number | undefined;
    let units = 'mV';
    if (f[2] !== undefined) {
      const g = /^([-+]?[\d.eE+-]+)(?:\(([-+]?\d+)\))?(?:\/(\S+))?$/.exec(f[2]);
      if (!g) throw new UserError(`${where}: gain field '${f[2]}' is not 'gain[(baseline)][/units]'; fix the header`);
      gain = Number(g[1]) || 200;
      if (g[2] !== undefined) baseline = Number(g[2]);
      if (g[3] !== undefined) units = g[3];
    }
    const num = (i: number, what: string): number | undefined => {
      if (f[i] === undefined) return undefined;
      const v = Number(f[i]);
      if (!Number.isFinite(v)) throw new UserError(`${where}: ${what} '${f[i]}' is not a number; fix the header`);
      return v;
    };
    const adcResolution = num(3, 'ADC resolution') ?? 12;
    const adcZero = num(4, 'ADC zero') ?? 0;
    signals.push({
      file: f[0],
      format: Number(fmt[1]),
      gain,
      baseline: baseline ?? adcZero,
      units,
      adcResolution,
      adcZero,
      initialValue: num(5, 'initial value'),
      checksum: num(6, 'checksum'),
      description: f.slice(8).join(' '),
    });
  }
  return { record: rec[0], samplingFrequency: fs_, samples, signals };
}

/** Decode `count` format-212 samples from `bytes` (throws a plain Error when too short). */
export function decode212(bytes: Uint8Array, count: number): Int16Array {
  const need = Math.ceil((count * 3) / 2);
  if (bytes.length < need) throw new Error(`format 212 needs ${need} bytes for ${count} samples, got ${bytes.length}`);
  const out = new Int16Array(count);
  let j = 0;
  for (let i = 0; i < count; i += 2, j += 3) {
    const b1 = bytes[j + 1];
    const s0 = bytes[j] | ((b1 & 0x0f) << 8);
    out[i] = s0 >= 2048 ? s0 - 4096 : s0;
    if (i + 1 < count) {
      const s1 = bytes[j + 2] | ((b1 & 0xf0) << 4);
      out[i + 1] = s1 >= 2048 ? s1 - 4096 : s1;
    }
  }
  return out;
}

/** Encode 12-bit samples (each in [-2048, 2047]) as format 212; an odd count is padded with 0. */
export function encode212(samples: ArrayLike<number>): Uint8Array {
  const n = samples.length;
  const out = new Uint8Array(Math.ceil((n * 3) / 2));
  for (let i = 0, j = 0; i < n; i += 2, j += 3) {
    const a = samples[i];
    const b = i + 1 < n ? samples[i + 1] : 0;
    if (!Number.isInteger(a) || a < -2048 || a > 2047 || !Number.isInteger(b) || b < -2048 || b > 2047) {
      throw new RangeError(`format 212 holds integers in [-2048, 2047], got ${a} / ${b} at sample ${i}`);
    }
    const ua = a & 0xfff;
    const ub = b & 0xfff;
    out[j] = ua & 0xff;
    out[j + 1] = ((ua >> 8) & 0x0f) | ((ub >> 4) & 0xf0);
    out[j + 2] = ub & 0xff;
  }
  return out;
}

/** The WFDB checksum: the sum of the samples as a 16-bit two's-complement number. */
export function wfdbChecksum(samples: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < samples.length; i++) s = (s + samples[i]) | 0;
  return ((s + 32768) & 0xffff) - 32768;
}

export interface WfdbRecord {
  readonly header: WfdbHeader;
  /** Raw ADC values per signal. */
  readonly adc: readonly Int16Array[];
  /** Samples per signal. */
  readonly samples: number;
}

/**
 * Read a single-segment WFDB record whose signals are all format 212, verifying file sizes,
 * checksums and initial values. Truncated or corrupted files are UserErrors naming the file.
 */
export function readWfdbRecord(headerPath: string): WfdbRecord {
  let text: string;
  try {
    text = fs.readFileSync(headerPath, 'latin1');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UserError(code === 'ENOENT' ? `file not found: ${headerPath}; fetch the record ('dive data fetch gaitndd') or check the folder` : `cannot read ${headerPath} (${code})`);
  }
  const header = parseWfdbHeader(text, headerPath);
  const dir = path.dirname(headerPath);
  // Group signals by file, in order of appearance; samples are interleaved per frame.
  const byFile = new Map<string, number[]>();
  header.signals.forEach((s, i) => {
    if (s.format !== 212) throw new UserError(`${headerPath}: signal ${i + 1} (${s.file}) has format ${s.format}; only format 212 is supported`);
    const list = byFile.get(s.file) ?? [];
    list.push(i);
    byFile.set(s.file, list);
  });
  const adc: Int16Array[] = new Array<Int16Array>(header.signals.length);
  let samples = header.samples;
  for (const [file, idx] of byFile) {
    const full = path.join(dir, file);
    let bytes: Buffer;
    try {
      bytes = fs.readFileSync(full);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new UserError(code === 'ENOENT' ? `file not found: ${full} (signal file named in ${headerPath}); fetch the record again` : `cannot read ${full} (${code})`);
    }
    const perFrame = idx.length;
    const available = Math.floor((bytes.length * 2) / 3 / perFrame);
    if (samples === undefined) samples = available;
    const need = Math.ceil((samples * perFrame * 3) / 2);
    if (bytes.length < need) {
      throw new UserError(`${full} is truncated: ${bytes.length} bytes, but ${headerPath} declares ${samples} samples (${need} bytes in format 212); re-download the record`);
    }
    const inter = decode212(bytes, samples * perFrame);
    idx.forEach((sig, k) => {
      const a = new Int16Array(samples!);
      for (let t = 0; t < samples!; t++) a[t] = inter[t * perFrame + k];
      const spec = header.signals[sig];
      if (spec.checksum !== undefined && wfdbChecksum(a) !== spec.checksum) {
        throw new UserError(`${full}: checksum of signal '${spec.description || sig + 1}' is ${wfdbChecksum(a)}, header says ${spec.checksum} (corrupted data); re-download the record`);
      }
      if (spec.initialValue !== undefined && samples! > 0) {
        const first = a[0];
        const ok = spec.initialValue === first || (spec.initialValue === -32768 && first === INVALID_212);
        if (!ok) throw new UserError(`${full}: first sample of '${spec.description || sig + 1}' is ${first}, header says ${spec.initialValue}; re-download the record`);
      }
      adc[sig] = a;
    });
  }
  return { header, adc, samples: samples ?? 0 };
}

/**
 * ADC values → physical units, (adc − baseline) / gain. Invalid samples (-2048) are filled by
 * linear interpolation between the nearest valid neighbours (the nearest valid value at the
 * edges). Returns the values and the number of filled samples; all-invalid is an error.
 */
export function toPhysical(adc: Int16Array, signal: WfdbSignal, what: string): { values: Float32Array; filled: number } {
  const n = adc.length;
  const out = new Float32Array(n);
  let filled = 0;
  let lastValid = -1;
  for (let t = 0; t < n; t++) {
    if (adc[t] === INVALID_212) {
      filled++;
      continue;
    }
    const v = (adc[t] - signal.baseline) / signal.gain;
    out[t] = v;
    if (lastValid < t - 1) {
      // Fill the gap (lastValid, t) linearly, or with v before the first valid sample.
      const v0 = lastValid >= 0 ? out[lastValid] : v;
      const span = t - lastValid;
      for (let k = lastValid + 1; k < t; k++) out[k] = lastValid >= 0 ? v0 + ((v - v0) * (k - lastValid)) / span : v;
    }
    lastValid = t;
  }
  if (n > 0 && lastValid < 0) throw new UserError(`${what}: every sample is invalid (-2048); the record has no usable data`);
  for (let k = lastValid + 1; k < n; k++) out[k] = out[lastValid];
  return { values: out, filled };
}
