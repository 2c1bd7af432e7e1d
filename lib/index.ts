/**
 * divelab's public API: one entry point, one namespace per area.
 *
 * ```ts
 * import { data, models, train, evaluate, theory, experiments, plot, backend } from 'divelab';
 *
 * await backend.initBackend();
 * const prepared = data.prepareData('synthetic', { seed: 0 });
 * const model = models.createModel('deepdive', { seed: 0 }, train.dataInfoOf(prepared));
 * await train.train(model, prepared, { ...train.DEFAULT_TRAIN, epochs: 1, seed: 0 });
 * const metrics = await train.evaluateModel(model, prepared.test, prepared.scaler);
 * model.dispose();
 * ```
 *
 * | namespace | what | main entries |
 * |---|---|---|
 * | `data` | loaders (ETTh1, gaitndd, GaitMotion, LSTNet electricity, synthetic, any CSV), windows, protocol splits, scalers, labels, `dive data fetch` | `prepareData`, `datasetCards`, `registerDataset`, `csvCard`, `loadCsv`, `generateSynthetic`, `fetchDataset` |
 * | `models` | DeepDIVE, its ablations, β-VAE/β-TCVAE and the reference forecasters behind one contract | `createModel`, `defaultConfig`, `MODEL_NAMES` |
 * | `objectives` | each term of the bound (E1–E3 of docs/paper.md) as its own function | `forecastLoss`, `klStandardNormal`, `rbfCrossEntropy` |
 * | `train` | the interleaving trainer, Adam, checkpoints, evaluation, whole runs | `train`, `DEFAULT_TRAIN`, `evaluateModel`, `runTraining` |
 * | `evaluate` | metrics: RRSE/CORR/MSE/MAE, MIG, cluster accuracy/NMI, mean ± std, PCA/t-SNE, total correlation | `rrse`, `corr`, `mig`, `summarise` |
 * | `theory` | float64 checks of E1–E3 | `CHECKS`, `runCheck`, `naiveBayesDecomposition`, `mixtureKlDecomposition` |
 * | `experiments` | the paper's tables and figures as declarative experiments (`dive reproduce`) | `reproduce`, `executeRun`, `chooseData`, `subsetWindows` |
 * | `plot` | plotly figure specs that render offline, tslab display, tables | `lineFigure`, `sliderFigure`, `show`, `showTable` |
 * | `backend` | TensorFlow.js backend selection | `initBackend`, `describeBackend` |
 * | `util` | seeded randomness, `UserError`, atomic writes | `makeRng`, `UserError` |
 *
 * Everything else (the `dive` command, the notebook toolchain, the benchmark harness, the
 * data-parallel workers, the wasm kernels) is internal: reach it through the `dive` command.
 * Reference: docs/reference/ (generated from these doc comments by `npm run docs`).
 *
 * @packageDocumentation
 */
import { packageVersion } from './version';

/** Data sets, windows, protocol splits, scalers and labels. */
export * as data from './data/index';
/** The models and their building blocks. */
export * as models from './models/index';
/** Each term of the DeepDIVE bound as its own function. */
export * as objectives from './objectives/index';
/** Training: schedule, loop, optimiser, checkpoints, evaluation and whole runs. */
export * as train from './train/index';
export * as methods from './methods/index';
/** Evaluation metrics (lib/eval). */
export * as evaluate from './eval/index';
/** Float64 numerical checks of E1–E3. */
export * as theory from './theory/index';
/** The paper's experiments: plans, runs, tables, figures. */
export * as study from './study/index';
/** The former name of `study` (notebooks written before the restructuring use it). */
export * as experiments from './study/index';
/** Figures and tables for notebooks and pages. */
export * as plot from './plot/index';
/** TensorFlow.js backend selection. */
export * as backend from './backend/select';
/** Seeded randomness, errors, atomic writes. */
export * as util from './util/index';

/** divelab's version (from its package.json; the same string `dive --version` prints). */
export const VERSION: string = packageVersion();
