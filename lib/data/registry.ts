/**
 * The data set registry: the list of data set cards (card.ts, cards/) and the look-ups every
 * command uses — by name, where its files are, loading. A user's own data set is
 * `registerDataset(card)` at run time.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { TimeSeriesDataset } from './types';
import type { DatasetCard, LoadOptions } from './card';
import { readManifest, type ManifestEntry } from './manifest';
import { candidatePaths } from './paths';
import { UserError } from '../util/errors';
import { ettH1 } from './cards/ettH1';
import { gaitndd } from './cards/gaitndd';
import { gaitmotion } from './cards/gaitmotion';
import { electricityLstnet } from './cards/electricityLstnet';
import { exchangeRate, solarAl, traffic } from './cards/lstnetSuite';
import { synthetic } from './cards/synthetic';
import { benchmark } from './cards/benchmark';
import { csv } from './cards/csv';

export type { DatasetCard, DatasetDefaults, LoadOptions } from './card';
/** The former name of a data set card. */
export type DatasetInfo = DatasetCard;
/** A data set's registry name. */
export type DatasetName = string;

/** The built-in data sets, in the order `dive data list` shows them. */
export const BUILT_IN_DATASETS: readonly DatasetCard[] = [ettH1, gaitndd, gaitmotion, electricityLstnet, traffic, solarAl, exchangeRate, synthetic, benchmark, csv];

const registered: DatasetCard[] = [];

/** Every data set card: the built-in ones, then those registered at run time. */
export function datasetCards(): readonly DatasetCard[] {
  return [...BUILT_IN_DATASETS, ...registered];
}

/** Every data set name (built-in and registered). */
export function datasetNames(): string[] {
  return datasetCards().map((c) => c.name);
}

/** Names of the built-in data sets. */
export const DATASET_NAMES: readonly string[] = BUILT_IN_DATASETS.map((c) => c.name);

/** The built-in cards by name (registered ones are reached through `datasetInfo`). */
export const DATASETS: Readonly<Record<string, DatasetCard>> = Object.fromEntries(BUILT_IN_DATASETS.map((c) => [c.name, c]));

/** Register a data set card of your own; returns a function that removes it again. */
export function registerDataset(card: DatasetCard): () => void {
  if (!/^[a-z0-9][a-z0-9-]*$/.test(card.name)) throw new UserError(`data set name '${card.name}' must be lower-case letters, digits and '-'`);
  if (datasetCards().some((c) => c.name === card.name)) throw new UserError(`a data set named '${card.name}' is already registered; choose another name`);
  registered.push(card);
  return () => {
    const i = registered.indexOf(card);
    if (i >= 0) registered.splice(i, 1);
  };
}

/** Is this a file the user brings (no download)? */
export function isBringYourOwn(name: string): boolean {
  return datasetInfo(name).obtain.kind === 'bring';
}

/** Look a data set up by name; an unknown name is a UserError listing the known ones. */
/** The card of a registered data set name (exactly as registered), or undefined. */
export function findDataset(name: string): DatasetCard | undefined {
  return datasetCards().find((c) => c.name === name);
}

export function datasetInfo(name: string): DatasetCard {
  const info = findDataset(name) ?? findDataset(name.toLowerCase());
  if (!info) {
    const file = /\.(csv|tsv|txt)(\.gz)?$/i.test(name) ? `; to read a CSV file use --data csv --file ${name}` : '';
    throw new UserError(`unknown data set '${name}' (known: ${datasetNames().join(', ')})${file}; see 'dive data list'`);
  }
  return info;
}

/** A card's defaults for a loaded data set: `defaultsFor(dataset)` where the card has it, else `defaults`. */
export function defaultsFor(card: DatasetCard, dataset: TimeSeriesDataset): DatasetCard['defaults'] {
  return card.defaultsFor ? card.defaultsFor(dataset) : card.defaults;
}

/** The manifest entry of a data set, if it is downloadable. */
export function manifestEntry(name: string): ManifestEntry | undefined {
  return readManifest().datasets[name];
}

/**
 * Where to read a data set from: the explicit path if given (must exist), else the first
 * existing candidate (cache, DIVE_DATA_MIRROR, ../shared/data; see paths.ts). Not found is a
 * UserError listing the places looked and the fix.
 */
export function resolveDataPath(name: string, explicit?: string): { path: string; where: string } {
  const info = datasetInfo(name);
  if (explicit !== undefined) {
    const p = path.resolve(explicit);
    if (!fs.existsSync(p)) throw new UserError(`file not found: ${p} (given with --file for '${name}'); check the path`);
    return { path: p, where: 'explicit' };
  }
  const looked: string[] = [];
  for (const loc of info.locations) {
    // An absolute location (a csvCard's own file) is looked at as it is.
    for (const c of path.isAbsolute(loc) ? [{ where: 'card', path: loc }] : candidatePaths(loc)) {
      looked.push(c.path);
      if (fs.existsSync(c.path)) return c;
    }
  }
  const fix = info.obtain.kind === 'bring' ? info.obtain.fix(manifestEntry(name)?.baseUrl) : `run 'dive data fetch ${name}' or pass --file PATH`;
  throw new UserError(`data set '${name}' not found (looked in ${looked.join(', ') || 'nowhere'}); ${fix}`);
}

/** Load a data set by name, finding its files as in resolveDataPath. */
export function loadDataset(name: string, options: LoadOptions & { file?: string } = {}): TimeSeriesDataset {
  const info = datasetInfo(name);
  if (info.kind === 'generated') return info.load(undefined, options);
  return info.load(resolveDataPath(name, options.file).path, options);
}
