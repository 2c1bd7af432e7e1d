/** `dive train`: train a model on a data set, evaluate it on the test split, print the metrics. */
import { readJsonConfigFile } from '../../util/jsonFile';
import type { CliIO, Command, ParsedArgs } from '../../util/command';
import { optBool, optNumber, optString } from '../../util/command';
import { initBackend, readsSynchronously, withSyncReads, type BackendName } from '../../backend/select';
import { MODEL_NAMES, modelCard, modelNames } from '../../models/registry';
import { PIPELINE_MODELS, isPipelineModel } from '../../methods/pipelines';
import { DATASET_NAMES } from '../../data/registry';
import { runDetauxCommand } from './detaux';
import { runSparseCommand } from './sparse';
import { checkRunConfig, runTraining, type RunReport } from '../../train/run';
import { UserError } from '../../util/errors';
import { ATOM_PROVENANCE } from '../../models/atom';
import { formatBar, type ProgressSink } from '../../util/progress';
import { DATA_OPTIONS, dataConfigWithOptions } from './dataOptions';

/** The selected epoch for people: "3", or "1.38 (a check 38 % into epoch 2)" for a check inside an epoch (train.valEvery). */
function bestLabel(epoch: number): string {
  if (Number.isInteger(epoch)) return String(epoch);
  return `${epoch} (a check ${Math.round((epoch % 1) * 100)} % into epoch ${Math.floor(epoch) + 1})`;
}

/** Progress on stderr: redrawn in place on a terminal, one line every 10 s otherwise. */
export function cliProgress(io: CliIO): ProgressSink {
  let last = -Infinity;
  return (u) => {
    const done = u.done >= u.total;
    if (io.interactive) process.stderr.write(`\r\x1b[2K${formatBar(u)}${done ? '\n' : ''}`);
    else if (done || u.elapsedSec - last >= 10) {
      last = u.elapsedSec;
      io.err(formatBar(u));
    }
  };
}

export async function backendName(): Promise<string> {
  try {
    return (await initBackend()).active;
  } catch (err) {
    throw new UserError((err as Error).message);
  }
}

export function readConfigFile(file: string | undefined): ReturnType<typeof checkRunConfig> {
  if (!file) return {};
  return checkRunConfig(readJsonConfigFile(file, '{"model": {…}, "train": {…}}'), `config file ${file}`);
}

const f4 = (v: number | null | undefined): string => (v === null || v === undefined || !Number.isFinite(v) ? '–' : v.toFixed(4));

/** One line of the disentanglement suite (latent means against the benchmark's factors). */
function disentanglementLine(where: string, d: NonNullable<RunReport['test']['disentanglement']>): string {
  return `${where} disentanglement suite (latent means vs factors, its seeded point split): MIG ${f4(d.mig)}  DCI D/C/I ${f4(d.dci.disentanglement)}/${f4(d.dci.completeness)}/${f4(d.dci.informativeness)}  SAP ${f4(d.sap)}  FactorVAE ${f4(d.factorVae.score)}  MCC ${f4(d.mcc.pearson)}`;
}

/** Human-readable summary of a run report. */
export function describeReport(r: RunReport): string[] {
  const t = r.test;
  const lines = [
    `${r.model} on ${r.data} (seed ${r.seed}, ${r.backend}): ${r.epochs} epochs (best ${bestLabel(r.bestEpoch)}${r.improvedOnInitial ? '' : ', no better than the untrained model'}${r.stopReason === 'early-stopping' ? ', converged: stopped early' : r.stopReason === 'epoch-cap' ? ', NOT CONVERGED: hit the epoch cap (raise --epochs)' : ''}), ${r.seconds.toFixed(1)} s, ${r.parameters} parameters`,
    `test forecast (${t.windows} windows, original units): RRSE ${f4(t.forecast.original.rrse)}  CORR ${f4(t.forecast.original.corr)}  MSE ${f4(t.forecast.original.mse)}  MAE ${f4(t.forecast.original.mae)}`,
    `test forecast (normalised):                       RRSE ${f4(t.forecast.normalised.rrse)}  CORR ${f4(t.forecast.normalised.corr)}  MSE ${f4(t.forecast.normalised.mse)}  MAE ${f4(t.forecast.normalised.mae)}`,
  ];
  if (t.reconstruction) lines.push(`reconstruction RRSE: ${f4(t.reconstruction.rrseOriginal)} (original units), ${f4(t.reconstruction.rrse)} (normalised)`);
  if (t.mig !== null) lines.push(`MIG (latent means vs ${t.migAgainst}): ${f4(t.mig)}`);
  if (t.disentanglement) lines.push(disentanglementLine('test', t.disentanglement));
  if (r.testOod) {
    const o = r.testOod;
    lines.push(`OOD test forecast (${o.windows} windows, original units): RRSE ${f4(o.forecast.original.rrse)}  CORR ${f4(o.forecast.original.corr)}  MSE ${f4(o.forecast.original.mse)}  MAE ${f4(o.forecast.original.mae)}`);
    if (o.disentanglement) lines.push(disentanglementLine('OOD test', o.disentanglement));
  }
  const atom = (r.modelConfig as { atom?: { kind: string; weight: number; tokens: number } } | undefined)?.atom;
  if (atom && atom.kind !== 'none') lines.push(`regulariser: ${atom.kind} (weight ${atom.weight}, ${atom.tokens} tokens; ${ATOM_PROVENANCE})`);
  if (t.cluster) for (const [k, c] of Object.entries(t.cluster)) lines.push(`RBF clusters ${k}: accuracy ${f4(c.accuracy)} (unmapped ${f4(c.plainAccuracy)}), NMI ${f4(c.nmi)}`);
  if (r.checkpoint) lines.push(`checkpoint: ${r.checkpoint}`);
  return lines;
}

export const trainCommand: Command = {
  words: ['train'],
  summary: 'train a model, evaluate it on the test split, print the metrics',
  help:
    'Prepares the data set (its default protocol, see dive data describe), trains with the interleaving schedule ' +
    '(early stopping on the validation forecast MSE), restores the best weights and evaluates the test split: forecast ' +
    'RRSE/CORR/MSE/MAE in original and normalised units, reconstruction RRSE, MIG and RBF cluster accuracy/NMI where they ' +
    'apply. --config FILE is a JSON {"model": {…}, "train": {…}, "data": {…}} overriding any config field (see docs/design.md). ' +
    'With --out DIR a checkpoint is written after every epoch (dive evaluate --checkpoint DIR reproduces the metrics). ' +
    '--data csv --file my.csv trains on your own CSV (date column, targets, labels, interval and window inferred: dive data describe csv --file my.csv shows them; --date-column, --target, --labels, --delimiter, --split, --input-length override). ' +
    '--data benchmark adds MIG, DCI, SAP, FactorVAE and MCC of the latent means and the OOD test split. ' +
    `--atom W [--atom-kind atom|repulsion] adds the atom-modeling regulariser or its plain-repulsion control (${ATOM_PROVENANCE}).`,
  options: [
    { name: 'model', type: 'string', value: 'NAME', description: `model to train (detaux: the three-stage Detaux pipeline on the shared benchmark, --data synthetic; sparse-bilevel: Lachapelle et al.\'s sparse base-predictors, --data synthetic); one of ${[...MODEL_NAMES, ...PIPELINE_MODELS].join(', ')}, or a model registered by a plugin; case-insensitive` },
    { name: 'data', type: 'string', value: 'NAME', description: 'data set (see dive data list: ett-h1, gaitndd, gaitmotion, the LSTNet suite, synthetic, benchmark; csv: your own CSV with --file)' },
    { name: 'file', type: 'string', value: 'PATH', description: 'load the data from this file or folder (--data csv: the CSV)' },
    { name: 'horizon', type: 'integer', value: 'H', description: 'forecast horizon in rows (default: the data set protocol; CSV: one season)' },
    ...DATA_OPTIONS,
    { name: 'epochs', type: 'integer', value: 'N', description: 'maximum epochs (default 20)' },
    { name: 'seed', type: 'integer', value: 'S', description: 'seed of initialisation, batch order and noise', default: 0 },
    { name: 'config', type: 'string', value: 'FILE', description: 'JSON config overrides {"model":…, "train":…, "data":…}' },
    { name: 'out', type: 'string', value: 'DIR', description: 'write a checkpoint folder here' },
    { name: 'resume', type: 'boolean', description: 'continue from the checkpoint in --out' },
    { name: 'quick', type: 'boolean', description: 'detaux and sparse-bilevel only: tiny settings (seconds), for smoke tests' },
    { name: 'atom', type: 'number', value: 'W', description: `weight of the atom-modeling regulariser on the encoder features (${ATOM_PROVENANCE}); deepdive*, beta-vae, beta-tcvae; 0 = off; sets model.atom, recorded in the report and checkpoint` },
    { name: 'atom-kind', type: 'string', value: 'K', description: 'with --atom: atom (the reconstructed Coulomb energy on typed particles) or repulsion (the plain pairwise-repulsion control)', choices: ['atom', 'repulsion'] },
  ],
  maxArgs: 0,
  async run(args: ParsedArgs, io: CliIO) {
    const given = optString(args, 'model');
    const data = optString(args, 'data');
    if (!given) throw new UserError(`dive train needs --model NAME (one of ${[...modelNames(), ...PIPELINE_MODELS].join(', ')})`);
    const model = isPipelineModel(given.toLowerCase()) ? given.toLowerCase() : modelCard(given).name;
    if (!data) throw new UserError(`dive train needs --data NAME (${DATASET_NAMES.join(', ')})`);
    const out = optString(args, 'out');
    if (optBool(args, 'resume') && !out) throw new UserError('--resume needs --out DIR (the checkpoint folder to continue)');
    if (model === 'detaux' || model === 'sparse-bilevel') {
      const chosen = (await backendName()) as BackendName;
      if (!readsSynchronously(chosen)) io.err(`${model} runs on wasm: its loops read values synchronously, which ${chosen} cannot`);
      const command = model === 'detaux' ? runDetauxCommand : runSparseCommand;
      return withSyncReads((backend) => command(args, io, backend, cliProgress(io)));
    }
    if (optBool(args, 'quick')) throw new UserError('--quick applies to --model detaux and sparse-bilevel only; use --epochs N or --config FILE for other models');
    const atomWeight = optNumber(args, 'atom');
    const atomKind = optString(args, 'atom-kind') as 'atom' | 'repulsion' | undefined;
    if (atomKind !== undefined && atomWeight === undefined) throw new UserError('--atom-kind needs --atom W (the regulariser weight, e.g. --atom 0.1)');
    const fromFile = readConfigFile(optString(args, 'config'));
    const dataCfg = dataConfigWithOptions(args, fromFile.data);
    const config = dataCfg === undefined ? fromFile : { ...fromFile, data: dataCfg };
    const backend = await backendName();
    const report = await runTraining({
      model,
      data,
      file: optString(args, 'file'),
      horizon: optNumber(args, 'horizon'),
      epochs: optNumber(args, 'epochs'),
      seed: optNumber(args, 'seed'),
      config,
      out,
      resume: optBool(args, 'resume'),
      backend,
      onProgress: cliProgress(io),
      atom: atomWeight !== undefined ? { weight: atomWeight, kind: atomKind } : undefined,
    });
    if (args.json) io.json(report);
    else describeReport(report).forEach((l) => io.out(l));
    return 0;
  },
};
