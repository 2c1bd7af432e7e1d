/**
 * `dive data fetch <name>`: put a data set's files into the cache (`DIVE_DATA_DIR`, default
 * `<repo>/.cache/data`), verified against `data/manifest.json`.
 *
 * Per file: already cached with the right sum → kept; else copied from the local mirror
 * (`DIVE_DATA_MIRROR`, layout `<mirror>/<folder>/<file>`) when present there, else downloaded
 * from `<baseUrl><file>` with Node's fetch. Content is written to a temporary name and renamed
 * only after its sha256 matches; a mismatch or a failed download is a one-line UserError.
 * Files with `lineEndings: "any"` (text headers) also match with LF↔CRLF converted; files
 * without a fixed sum (LSTNet electricity) are checked by loading and comparing the shape. An
 * entry without files (GaitMotion, bring your own export) is a UserError quoting its note.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ManifestEntry, ManifestFile } from './manifest';
import { datasetInfo, manifestEntry } from './registry';
import { cacheDir, mirrorDir } from './paths';
import { loadLstnet } from './lstnet';
import { UserError } from '../util/errors';
import { Progress, type ProgressSink } from '../util/progress';
import { writeFileAtomic } from '../util/atomic';

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** The sums a file's bytes are accepted under: raw, and LF/CRLF variants for text files. */
function observedSums(bytes: Buffer, file: ManifestFile): string[] {
  const sums = [sha256(bytes)];
  if (file.lineEndings === 'any') {
    const lf = Buffer.from(bytes.toString('latin1').replace(/\r\n/g, '\n'), 'latin1');
    sums.push(sha256(lf), sha256(Buffer.from(lf.toString('latin1').replace(/\n/g, '\r\n'), 'latin1')));
  }
  return sums;
}

/** Does `bytes` match the manifest entry? Returns how it matched, or undefined. */
export function verifyFile(bytes: Buffer, file: ManifestFile): 'sha256' | 'sha256 (line endings normalised)' | 'sha256 (documented alternate)' | undefined {
  if (file.sha256 === null) return undefined;
  const sums = observedSums(bytes, file);
  if (sums[0] === file.sha256) return 'sha256';
  if (sums.slice(1).includes(file.sha256)) return 'sha256 (line endings normalised)';
  if (file.alternateSha256?.includes(sums[0])) return 'sha256 (documented alternate)';
  return undefined;
}

export interface FetchedFile {
  readonly name: string;
  readonly path: string;
  readonly source: 'cache' | 'mirror' | 'download';
  readonly check: string;
}

export interface FetchReport {
  readonly name: string;
  readonly folder: string;
  readonly files: readonly FetchedFile[];
}

export interface FetchOptions {
  /** Cache root (default cacheDir()). */
  readonly cache?: string;
  /** Mirror root (default mirrorDir()). */
  readonly mirror?: string;
  readonly progress?: ProgressSink;
  /** Download implementation (default: global fetch). */
  readonly download?: (url: string) => Promise<Buffer>;
}

/** Download `url` with Node's fetch (10 min timeout); failures are one-line UserErrors. */
export async function downloadBytes(url: string, timeoutMs = 600_000): Promise<Buffer> {
  let res: Response;
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  } catch (err) {
    const cause = (err as Error & { cause?: Error }).cause;
    throw new UserError(`download failed: ${url} (${cause?.message ?? (err as Error).message}); check the network or set DIVE_DATA_MIRROR to a local copy`);
  }
  if (!res.ok) throw new UserError(`download failed: ${url} (HTTP ${res.status}); check the URL in data/manifest.json or set DIVE_DATA_MIRROR`);
  try {
    return Buffer.from(await res.arrayBuffer());
  } catch (err) {
    throw new UserError(`download interrupted: ${url} (${(err as Error).message}); try again or set DIVE_DATA_MIRROR`);
  }
}

function checkShape(entry: ManifestEntry, name: string, file: string): string {
  if (!entry.shape) return 'unchecked';
  const d = loadLstnet(file, { name });
  const seg = d.segments[0];
  if (seg.length !== entry.shape[0] || seg.channels !== entry.shape[1]) {
    throw new UserError(`${file} has ${seg.length} rows x ${seg.channels} columns, expected ${entry.shape[0]} x ${entry.shape[1]} for '${name}'; check that it is the right file`);
  }
  return `shape ${seg.length}x${seg.channels}`;
}

/** Fetch every file of data set `name` into the cache (see module doc). */
export async function fetchDataset(name: string, options: FetchOptions = {}): Promise<FetchReport> {
  const info = datasetInfo(name);
  if (info.kind === 'generated') throw new UserError(`data set '${name}' is generated on the fly; there is nothing to fetch`);
  const entry = manifestEntry(name);
  if (!entry) throw new UserError(`data set '${name}' has no entry in data/manifest.json; add one`);
  if (entry.files.length === 0) throw new UserError(`data set '${name}' cannot be fetched by divelab: ${entry.note ?? 'no files are listed in data/manifest.json'}`);
  const cache = path.resolve(options.cache ?? cacheDir());
  const mirror = options.mirror ?? mirrorDir();
  const download = options.download ?? ((url: string) => downloadBytes(url));
  const folder = path.join(cache, entry.folder);
  const progress = new Progress(`fetch ${name}`, entry.files.length, options.progress);
  const files: FetchedFile[] = [];
  // Nothing a user owns is replaced: a file already in the cache that is not the published
  // one (its sum differs) is refused before anything is fetched, rather than overwritten.
  for (const f of entry.files) {
    const target = path.join(folder, f.name);
    if (!fs.existsSync(target)) continue;
    if (!fs.statSync(target).isFile()) throw new UserError(`${target} exists and is not a file; move it away (or point DIVE_DATA_DIR at another folder) and fetch again`);
    if (f.sha256 !== null && !verifyFile(fs.readFileSync(target), f)) {
      throw new UserError(`${target} exists and is not the published ${entry.folder}/${f.name} (its sha256 differs); divelab does not replace it: move it away (or point DIVE_DATA_DIR at another folder) and fetch again`);
    }
  }
  for (const f of entry.files) {
    const target = path.join(folder, f.name);
    const verified = (bytes: Buffer, from: string): string => {
      const check = verifyFile(bytes, f);
      if (!check) {
        throw new UserError(`sha256 mismatch for ${entry.folder}/${f.name} from ${from}: got ${sha256(bytes)}, expected ${f.sha256}; the copy is corrupt or a different version — delete it and fetch again`);
      }
      return check;
    };
    if (fs.existsSync(target)) {
      const bytes = fs.readFileSync(target);
      if (f.sha256 === null || verifyFile(bytes, f)) {
        files.push({ name: f.name, path: target, source: 'cache', check: f.sha256 === null ? checkShape(entry, name, target) : verifyFile(bytes, f)! });
        progress.tick(1, f.name);
        continue;
      }
    }
    const mirrored = mirror ? path.join(mirror, entry.folder, f.name) : undefined;
    let bytes: Buffer;
    let source: FetchedFile['source'];
    let from: string;
    if (mirrored && fs.existsSync(mirrored)) {
      bytes = fs.readFileSync(mirrored);
      source = 'mirror';
      from = mirrored;
    } else {
      from = `${entry.baseUrl}${f.name}`;
      bytes = await download(from);
      source = 'download';
    }
    if (f.sha256 === null) {
      // No fixed checksum: write, then verify the shape by loading; remove on failure.
      writeFileAtomic(target, bytes);
      try {
        files.push({ name: f.name, path: target, source, check: checkShape(entry, name, target) });
      } catch (err) {
        fs.rmSync(target, { force: true });
        throw err;
      }
    } else {
      const check = verified(bytes, from);
      writeFileAtomic(target, bytes);
      files.push({ name: f.name, path: target, source, check });
    }
    progress.tick(1, f.name);
  }
  return { name, folder, files };
}
