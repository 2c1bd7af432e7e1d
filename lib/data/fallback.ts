/**
 * Notebooks that show a real data set still run where it has not been downloaded: they ask
 * `prepareOrSynthetic` and, when the files are missing, get the seeded synthetic set instead,
 * with a note to print saying so and how to get the real one. Nothing else falls back: the
 * CLI, the library's `prepareData` and the tests keep failing loudly on missing data.
 */
import { prepareData, type PrepareOptions, type Prepared } from './prepare';
import { datasetInfo, resolveDataPath } from './registry';
import { UserError } from '../util/errors';

/** True when `name` is generated, or its files are found (cache, DIVE_DATA_MIRROR, ../shared/data). */
export function dataAvailable(name: string): boolean {
  if (datasetInfo(name).kind === 'generated') return true;
  try {
    resolveDataPath(name);
    return true;
  } catch (err) {
    if (err instanceof UserError) return false;
    throw err;
  }
}

export interface DataOrFallback {
  /** The data set asked for. */
  readonly requested: string;
  /** What was prepared: `requested`, or `synthetic` when its files are missing. */
  readonly used: string;
  readonly prepared: Prepared;
  /** One line to show when it fell back (null otherwise). */
  readonly note: string | null;
}

/** `prepareData(name, options)`, or, when `name`'s files are missing, the synthetic set with a note. */
export function prepareOrSynthetic(name: string, options: PrepareOptions = {}): DataOrFallback {
  if (dataAvailable(name)) return { requested: name, used: name, prepared: prepareData(name, options), note: null };
  return {
    requested: name,
    used: 'synthetic',
    prepared: prepareData('synthetic', { seed: options.seed ?? 0 }),
    note: `note: data set '${name}' is not downloaded here, so this section shows the synthetic set instead; for the real data run 'npx dive data fetch ${name}' (or set DIVE_DATA_MIRROR) and run the notebook again`,
  };
}
