/**
 * Which data set each table runs on, given what is on this machine.
 *
 *   gait        gaitmotion (the paper's data, user-supplied CSV export) → gaitndd → synthetic
 *   electricity electricity-lstnet (the paper's data, user-supplied) → ett-h1 → synthetic
 *   benchmark   the shared disentanglement benchmark (generated; true factors known)
 *   ett         ett-h1, with no fallback: a table of a published ETT protocol (tslib-ett) means
 *               nothing on another data set, so without the file its runs fail and say how to
 *               get it
 *
 * "Available" means `resolveDataPath` finds the files (explicit cache, DIVE_DATA_MIRROR,
 * ../shared/data; see lib/data/paths.ts). Every choice carries a note that the tables print.
 */
import { datasetInfo, resolveDataPath, type DatasetName } from '../../data/registry';
import type { DataChoice, DataFamily } from '../spec/types';

/** Is a data set's file/folder present? (synthetic always is.) */
export type Availability = (name: DatasetName) => boolean;

export const filesPresent: Availability = (name) => {
  if (datasetInfo(name).kind === 'generated') return true;
  try {
    resolveDataPath(name);
    return true;
  } catch {
    return false;
  }
};

/** Resolve one family to a data set, with the note explaining the choice. */
export function chooseData(family: DataFamily, available: Availability = filesPresent): DataChoice {
  if (family === 'benchmark') return { family, data: 'benchmark', note: 'the shared disentanglement benchmark (generated windows with known factors; lib/data/benchmark.ts, docs/design.md §Detaux)' };
  if (family === 'ett') {
    return available('ett-h1')
      ? { family, data: 'ett-h1', note: 'ETTh1 used (the published protocol\'s data)' }
      : { family, data: 'ett-h1', note: 'ETTh1 not found: this table has no stand-in data, so its runs fail until `dive data fetch ett-h1` (or DIVE_DATA_MIRROR) provides the file' };
  }
  if (family === 'gait') {
    if (available('gaitmotion')) return { family, data: 'gaitmotion', note: 'GaitMotion used (the paper\'s data: 6 IMU channels at 1000 Hz)' };
    if (available('gaitndd')) return { family, data: 'gaitndd', note: 'GaitMotion not found (bring its CSV export, see `dive data describe gaitmotion`); gaitndd used (PhysioNet gait in neurodegenerative disease, foot force at 100 Hz)' };
    return { family, data: 'synthetic', note: 'GaitMotion and gaitndd not found; synthetic used (run `dive data fetch gaitndd` for the real fallback)' };
  }
  if (available('electricity-lstnet')) return { family, data: 'electricity-lstnet', note: 'LSTNet electricity used (the paper\'s data)' };
  if (available('ett-h1')) return { family, data: 'ett-h1', note: 'LSTNet electricity not found (bring electricity.txt.gz, see `dive data describe electricity-lstnet`); ETTh1 used (7 channels, not 321 clients)' };
  return { family, data: 'synthetic', note: 'LSTNet electricity and ETTh1 not found; synthetic used, its segments lengthened to input + horizon rows for horizons above 16 (run `dive data fetch ett-h1` for the real fallback)' };
}

/** Every family's choice. */
export function chooseAll(available: Availability = filesPresent): Record<DataFamily, DataChoice> {
  return { gait: chooseData('gait', available), electricity: chooseData('electricity', available), benchmark: chooseData('benchmark', available), ett: chooseData('ett', available) };
}
