/**
 * Named forecasting protocols: a published window geometry that replaces a data set's default
 * one, on the data set's own split and scaler. Selected with `dive train --protocol NAME` (the
 * run config's `data.protocol`), `prepareData(name, { protocol })` and a table variant's
 * `protocol` (lib/study/spec).
 *
 * `tslib` — the long-horizon protocol of Time-Series-Library (Wu et al., TimesNet, ICLR 2023;
 * github.com/thuml/Time-Series-Library, `data_provider/data_loader.py` Dataset_ETT_hour /
 * Dataset_ETT_minute, `run.py` defaults) for the ETT files:
 *   - input 96 rows (`--seq_len 96`), horizons 96, 192, 336 and 720 (`--pred_len`); the model
 *     forecasts EVERY row 1 … H after the input (targetLength = horizon, not one row at H);
 *   - the 12/4/4-month split of Informer (`ETT_SPLIT`, splits.ts: border1s = [0, 12·30·24 − L,
 *     16·30·24 − L], border2s = [12·30·24, 16·30·24, 20·30·24] for hourly rows), a window of a
 *     split having its targets inside the split and its input up to L rows before it;
 *   - z-score per channel with the training rows' mean and standard deviation;
 *   - every window, stride 1: a split of n rows (plus the L rows before it) holds n − H + 1
 *     windows — ETTh1 at L = H = 96: train 8,449, val 2,785, test 2,785 — as
 *     `len(data_x) − seq_len − pred_len + 1`;
 *   - MSE and MAE on the normalised scale, means over every element of every test window
 *     (lib/train/evaluate.ts `forecast.normalised`, lib/eval/forecast.ts).
 * It applies to data sets whose protocol is the ETT split (ett-h1 and ETT-format cards); the
 * window is the protocol's, so `targetLength`, `stride`, `split` and `scaler` overrides are
 * refused, while `inputLength` (TSLib's `--seq_len`) and `horizon` (`--pred_len`) may be set.
 */
import type { SplitProtocol } from './splits';
import type { ScalerKind } from './scalers';
import type { WindowSpec } from './types';
import { UserError } from '../util/errors';

export const PROTOCOL_NAMES = ['tslib'] as const;
export type ProtocolName = (typeof PROTOCOL_NAMES)[number];

export interface ForecastProtocol {
  readonly name: ProtocolName;
  /** One line for run records and `dive data describe`. */
  readonly description: string;
  readonly inputLength: number;
  /** The published horizons; the first is the default. */
  readonly horizons: readonly number[];
  /** The split kind the protocol is defined on (the data set's own split must be this kind). */
  readonly split: 'ett';
  readonly scaler: 'zscore';
}

export const TSLIB_PROTOCOL: ForecastProtocol = {
  name: 'tslib',
  description: 'Time-Series-Library long-horizon protocol (input 96, forecast every row 1…H, stride 1, every window)',
  inputLength: 96,
  horizons: [96, 192, 336, 720],
  split: 'ett',
  scaler: 'zscore',
};

export const PROTOCOLS: Readonly<Record<ProtocolName, ForecastProtocol>> = { tslib: TSLIB_PROTOCOL };

/** The protocol of a name; an unknown one is a UserError listing the known ones. */
export function forecastProtocol(name: string): ForecastProtocol {
  const p = (PROTOCOLS as Record<string, ForecastProtocol | undefined>)[name];
  if (!p) throw new UserError(`unknown protocol '${name}' (known: ${PROTOCOL_NAMES.join(', ')})`);
  return p;
}

/** The preparation options that shape the windows, which a protocol reads or fixes (prepare.ts PrepareOptions extends them). */
export interface ProtocolOptions {
  readonly inputLength?: number;
  readonly horizon?: number;
  readonly targetLength?: number;
  readonly stride?: number;
  /** Override the split protocol (splits.ts). */
  readonly split?: SplitProtocol;
  /** Override the scaler. */
  readonly scaler?: ScalerKind;
}

/**
 * The window of `protocol` for a data set whose own split is `split`, checking that the data set
 * and the options fit it (module doc). `dataset` names the data set in errors.
 */
export function protocolWindow(protocol: ForecastProtocol, split: SplitProtocol, options: ProtocolOptions, dataset: string): WindowSpec {
  if (split.kind !== protocol.split) {
    throw new UserError(`the ${protocol.name} protocol is defined on the ETT files (their 12/4/4-month split); data set '${dataset}' has a ${split.kind} split — use an ETT-format data set (ett-h1), or set the window yourself (--input-length, {"data": {"targetLength": H}})`);
  }
  for (const k of ['targetLength', 'stride', 'split', 'scaler'] as const) {
    if (options[k] !== undefined) throw new UserError(`the ${protocol.name} protocol fixes the ${k} (${describeFixed(protocol, k)}); drop the ${k} override, or drop --protocol ${protocol.name}`);
  }
  const horizon = options.horizon ?? protocol.horizons[0];
  return { inputLength: options.inputLength ?? protocol.inputLength, horizon, targetLength: horizon, stride: 1 };
}

function describeFixed(p: ForecastProtocol, k: 'targetLength' | 'stride' | 'split' | 'scaler'): string {
  switch (k) {
    case 'targetLength':
      return 'every row 1…H is a target';
    case 'stride':
      return 'every window, stride 1';
    case 'split':
      return 'the 12/4/4-month ETT split';
    case 'scaler':
      return `${p.scaler} on the training rows`;
  }
}
