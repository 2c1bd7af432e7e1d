/**
 * `data/manifest.json`: for each downloadable data set, its folder in the cache/mirror layout,
 * upstream base URL, licence, citation and the sha256 of every file (see the file's $comment).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from './paths';

export interface ManifestFile {
  /** Path relative to the data set's folder (and to baseUrl). */
  readonly name: string;
  /** Expected sha256 (hex); null when the file has no fixed checksum (user-supplied). */
  readonly sha256: string | null;
  /** Other accepted sums (documented variants, e.g. a known mirror copy). */
  readonly alternateSha256?: readonly string[];
  /** 'any': a text file accepted with LF or CRLF line endings. */
  readonly lineEndings?: 'any';
  readonly note?: string;
}

export interface ManifestEntry {
  readonly folder: string;
  readonly baseUrl: string;
  readonly files: readonly ManifestFile[];
  readonly licence: string;
  readonly citation: string;
  /** Expected [rows, channels], when known. */
  readonly shape?: readonly [number, number];
  readonly note?: string;
}

export interface Manifest {
  readonly version: number;
  readonly datasets: Readonly<Record<string, ManifestEntry>>;
}

let cached: Manifest | undefined;

/** Path of data/manifest.json in the repository. */
export function manifestPath(): string {
  return path.join(repoRoot(), 'data', 'manifest.json');
}

/** Read (once) and return the manifest. */
export function readManifest(): Manifest {
  if (!cached) cached = JSON.parse(fs.readFileSync(manifestPath(), 'utf8')) as Manifest;
  return cached;
}
