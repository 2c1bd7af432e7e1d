/**
 * The `tslib-ett` experiment: our DLinear reference (model `linear`) under Time-Series-Library's
 * long-horizon protocol on ETTh1 (lib/data/protocols.ts `tslib`), beside the values the TimesNet
 * paper publishes for DLinear, and persistence as a floor. Declared once here: the published
 * values, the reference recipe (TSLib's optimiser settings) and the table.
 *
 * The recipe is TSLib's for DLinear (thuml/Time-Series-Library: run.py defaults, exp/
 * exp_long_term_forecasting.py, utils/tools.py; scripts/long_term_forecast/ETT_script/
 * DLinear_ETTh1.sh sets none of these): Adam (β 0.9 / 0.999, ε 1e-8, no weight decay) at
 * learning rate 1e-4, batch 32, MSE loss over every element, at most 10 epochs, early stopping
 * after 3 epochs without a lower validation MSE, the best-validation weights restored, the rate
 * halved every epoch (`--lradj type1`), no gradient clipping. The model is DLinear as its authors
 * define it (models/DLinear.py with layers/Autoformer_EncDec.py series_decomp): moving average of
 * kernel 25 with replicate padding, trend and remainder each mapped by one linear layer over time,
 * shared by the channels (`individual` False), weights initialised to 1/L; no instance
 * normalisation. Differences that remain are listed in the table's notes and docs/data.md.
 */
import { TSLIB_PROTOCOL } from '../../data/protocols';
import { metricCard } from '../../train/metrics';
import type { ColumnSpec, DataChoice, Experiment, PaperValue, Protocol, RowSpec, Variant } from './types';

export const TIMESNET_CITATION = 'Wu, Hu, Liu, Zhou, Wang, Long: TimesNet: Temporal 2D-Variation Modeling for General Time Series Analysis, ICLR 2023';
export const TIMESNET_PROVENANCE =
  `${TIMESNET_CITATION} — its full long-term forecasting results (input 96), DLinear on ETTh1, as quoted in the task that added this table (issue "Forecasters that learn"; the same numbers are re-quoted by later papers, e.g. iTransformer); not re-checked against the PDF here`;

/** What the TimesNet paper publishes for DLinear on ETTh1 (input 96), by horizon: MSE and MAE on the normalised scale. */
export const PUBLISHED_DLINEAR_ETTH1: Readonly<Record<number, { readonly mse: PaperValue; readonly mae: PaperValue }>> = {
  96: { mse: { value: 0.386 }, mae: { value: 0.4 } },
  192: { mse: { value: 0.437 }, mae: { value: 0.432 } },
  336: { mse: { value: 0.481 }, mae: { value: 0.459 } },
  720: { mse: { value: 0.519 }, mae: { value: 0.516 } },
};

/** The reproduction target: our mean within this relative distance of the published value (the issue's criterion). */
export const TSLIB_TOLERANCE = 0.03;

/** TSLib's epoch cap for DLinear (run.py `--train_epochs 10`); the protocol's cap bounds it (quick, tiny). */
export const TSLIB_EPOCHS = 10;

/** TSLib's optimiser settings (module doc) as our trainer config (lib/train/trainer.ts TrainSchema). */
export const TSLIB_DLINEAR_TRAIN: Readonly<Record<string, unknown>> = {
  lr: 1e-4,
  batchSize: 32,
  patience: 3,
  lrSchedule: { kind: 'step', factor: 0.5 },
  clipNorm: 0,
  weightDecay: 0,
  maxBatchesPerEpoch: 0,
  maxValWindows: 0,
  // TSLib validates once per epoch (exp_long_term_forecasting.py), so no checks inside an epoch.
  valEvery: 0,
  conflictEvery: 0,
};

/** The sentence about the learning-rate schedule and the epoch cap for the notes. */
export function scheduleNote(): string {
  return "Learning rate: our 'step' schedule is TSLib's type1 (lr in epochs 1–2, then halved every epoch; lib/train/lrSchedule.ts, tested in tests/train/recipe.test.ts). The 10-epoch cap is the published recipe's budget (TSLib's train_epochs), so runs that reach it are trained as the authors trained theirs; the convergence notes below still count them as not converged by the early-stopping rule.";
}

/**
 * The experiment (rows = horizons): DLinear MSE and MAE beside the published values and their
 * relative difference, persistence MSE and MAE as the floor; notes on the protocol, the recipe,
 * the differences from TSLib and how the runs stopped.
 */
export function tslibEttExperiment(p: Protocol, choice: DataChoice): Experiment {
  const dlinear = (horizon: number): Variant => ({ model: 'linear', family: 'ett', horizon, protocol: 'tslib', trainConfig: TSLIB_DLINEAR_TRAIN, epochs: TSLIB_EPOCHS });
  const persistence = (horizon: number): Variant => ({ model: 'persistence', family: 'ett', horizon, protocol: 'tslib' });
  const cell = (variant: Variant, metric: string, paper?: PaperValue) => {
    metricCard(metric);
    return paper ? { variant, metric, paper } : { variant, metric };
  };
  const columns: ColumnSpec[] = [
    { key: 'mse', title: 'DLinear MSE', digits: 4, paperColumn: true, paperDelta: true },
    { key: 'mae', title: 'DLinear MAE', digits: 4, paperColumn: true, paperDelta: true },
    { key: 'persistenceMse', title: 'persistence MSE', digits: 4 },
    { key: 'persistenceMae', title: 'persistence MAE', digits: 4 },
  ];
  const rows: RowSpec[] = TSLIB_PROTOCOL.horizons.map((h) => ({
    label: `H = ${h}`,
    cells: {
      mse: cell(dlinear(h), 'forecastMseNormalised', PUBLISHED_DLINEAR_ETTH1[h]?.mse),
      mae: cell(dlinear(h), 'forecastMaeNormalised', PUBLISHED_DLINEAR_ETTH1[h]?.mae),
      persistenceMse: cell(persistence(h), 'forecastMseNormalised'),
      persistenceMae: cell(persistence(h), 'forecastMaeNormalised'),
    },
  }));
  const epochs = Math.min(p.epochs, TSLIB_EPOCHS);
  return {
    name: 'tslib-ett',
    title: "Time-Series-Library's long-horizon protocol on ETTh1: DLinear against the TimesNet paper",
    table: {
      name: 'tslib-ett',
      title: "Table: ETTh1 under Time-Series-Library's long-horizon protocol — DLinear MSE / MAE (normalised) against the TimesNet paper, persistence as the floor",
      family: 'ett',
      rowHeader: 'horizon',
      paperProvenance: TIMESNET_PROVENANCE,
      columns,
      rows,
      notes: [
        `Data: ${choice.note}.`,
        `Protocol (lib/data/protocols.ts, docs/data.md): input 96 rows, every row 1…H forecast, ETT 12/4/4-month split (Informer's borders), z-score with the training rows' statistics, every window at stride 1 (ETTh1, H = 96: 8,449 / 2,785 / 2,785 train / val / test windows, as TSLib's Dataset_ETT_hour), all 7 channels in and out (TSLib --features M). MSE and MAE on the normalised scale: means over every element of every test window. Δ = our mean / published − 1; the target is |Δ| ≤ ${TSLIB_TOLERANCE * 100} %.`,
        `Model: \`linear\` (lib/models/linear.ts) = DLinear: moving average of kernel 25 with replicate padding, trend and remainder each mapped by a linear layer over time shared by the channels, weights initialised to 1/L, no instance normalisation. Recipe (TSLib's run.py defaults): Adam at 1e-4, batch 32, MSE loss, ≤ ${TSLIB_EPOCHS} epochs (here ${epochs} under protocol '${p.name}'), early stopping with patience 3 on the validation MSE, best-validation weights, no gradient clipping, no weight decay.`,
        scheduleNote(),
        "Other differences from TSLib: the bias — TSLib's two nn.Linear layers each carry a bias per output row, initialised U(±1/√96) by PyTorch, ours is one bias per output row initialised to 0 (the sum of TSLib's two is the same function); the untrained model (epoch 0) is a selection candidate here (TSLib always keeps epoch 1 or later); our last training batch of an epoch is partial, while TSLib's first public version (2023-02, the TimesNet paper's code) dropped it (drop_last=True on the train and validation loaders; its test loader used batch size 1, so every test window counted, as here and in TSLib today); TSLib's validation loss is the mean of per-batch means, ours the mean over every element; float32 here throughout, TSLib's data float64 until the model.",
        "Provenance of the published row: with TSLib's exact type1 rates and batch size 8 — LTSF-Linear's ETTh1 script, the DLinear authors' own setting — our DLinear lands within 0.4 % of the published MSE at H = 96–336 (docs/data.md), closer than with TSLib's batch 32; the row is plausibly DLinear's own published run, which TimesNet quotes. This table keeps TSLib's batch 32.",
        'Persistence repeats the last input row for all H rows: the floor a forecaster must beat.',
        `Cells: mean ± sample std over ${p.seeds} seed(s) (0..${p.seeds - 1}; a seed sets the initialisation — DLinear's is fixed at 1/L, so only the batch order varies — and persistence has no parameters); protocol '${p.name}': ${p.maxWindows.train ? `at most ${p.maxWindows.train}/${p.maxWindows.val}/${p.maxWindows.test} train/val/test windows (a seeded subset: a smoke test, not the protocol)` : 'every window of every split'}; the recipe above, not the protocol's trainer settings; not tuned.`,
      ],
    },
  };
}
