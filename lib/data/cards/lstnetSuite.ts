/**
 * The user-supplied files of the LSTNet suite (lstnet.ts LSTNET_SUITE, docs/data.md): the LSTNet
 * protocol — input 168 rows, one target row at horizon 24 (the protocol also uses 3, 6, 12:
 * --horizon), chronological 0.6/0.2/0.2, max-abs per series fitted on train; season one day
 * (24 hourly rows, 144 ten-minute rows) or one week (7 daily rows) for the exchange rate.
 */
import type { DatasetCard } from '../card';
import { loadLstnetSuite, LSTNET_HORIZONS, LSTNET_SUITE, type LstnetSuiteEntry } from '../lstnet';
import { LSTNET_SPLIT } from '../splits';

/** How a user brings a file of the suite. */
export function lstnetBring(name: LstnetSuiteEntry['name']): DatasetCard['obtain'] {
  const suite = LSTNET_SUITE[name];
  return {
    kind: 'bring',
    list: 'bring your own file: --file PATH',
    fix: (baseUrl) => `download ${suite.file}.gz (${baseUrl ?? `the LSTNet data repository, folder ${suite.folder}/`}) and pass --file PATH or put it in ${suite.folder}/ under DIVE_DATA_DIR`,
  };
}

/** The card of one file of the suite (traffic, solar-AL, exchange rate). */
export function lstnetSuiteCard(name: Exclude<LstnetSuiteEntry['name'], 'electricity-lstnet'>, description: string, manySeries: boolean): DatasetCard {
  const e = LSTNET_SUITE[name];
  const daily = e.stepSeconds >= 86_400;
  return {
    name,
    description,
    kind: 'file',
    ...(manySeries ? { manySeries } : {}),
    locations: [`${e.folder}/${e.file}.gz`, `${e.folder}/${e.file}`],
    obtain: lstnetBring(name),
    labels: daily ? 'calendar: weekday (7) and month (12) of the target time' : 'calendar: hour (24), weekday (7) and month (12) of the target time',
    calendar: `rows every ${e.stepSeconds} s from ${new Date(e.startMs).toISOString().slice(0, 10)} (the file has no dates; LSTNet documents the start)`,
    defaults: {
      window: { inputLength: 168, horizon: 24, targetLength: 1, stride: 1 },
      split: LSTNET_SPLIT,
      scaler: 'maxabs',
      seasonSeconds: e.seasonRows * e.stepSeconds,
      horizons: LSTNET_HORIZONS,
    },
    load: (file) => loadLstnetSuite(file!, name),
  };
}

export const traffic = lstnetSuiteCard('traffic', 'LSTNet traffic: California PeMS road occupancy (0–1), 862 sensors, hourly, 17,544 rows from 2015-01-01 (bring your own file: traffic.txt[.gz])', true);
export const solarAl = lstnetSuiteCard('solar-al', 'LSTNet solar-AL: NREL solar power of 137 Alabama PV plants, every 10 minutes, 52,560 rows from 2006-01-01 (bring your own file: solar_AL.txt[.gz])', true);
export const exchangeRate = lstnetSuiteCard('exchange-rate', 'LSTNet exchange rate: daily rates of 8 currencies, 7,588 calendar days from 1990-01-01 (bring your own file: exchange_rate.txt[.gz])', false);
