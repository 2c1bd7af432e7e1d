/** A human-readable summary of a Detaux report (what `dive train --model detaux` prints without --json). */
import type { DetauxReport, MeanStd } from './pipeline';

const f3 = (v: number): string => (Number.isFinite(v) ? v.toFixed(3) : '–');
const ms = (m: MeanStd): string => `${f3(m.mean)} ± ${f3(m.std)}`;
const num = (o: unknown, ...keys: string[]): number => {
  let v: unknown = o;
  for (const k of keys) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined;
  return typeof v === 'number' ? v : NaN;
};

/** Human-readable summary of a Detaux report. */
export function describeDetaux(r: DetauxReport): string[] {
  const s1 = r.stage1, s2 = r.stage2, s3 = r.stage3;
  const last = s1.history[s1.history.length - 1];
  const lines = [
    `detaux on the benchmark (seed ${r.seed}, ${r.backend}): ${r.seconds.toFixed(1)} s; ${r.benchmark.train} train, ${r.benchmark.test} ID test, ${r.benchmark.ood} OOD test windows (held out: ${r.benchmark.heldOut})`,
    `stage 1: ${s1.steps} steps, ${s1.parameters} parameters; last epoch rec ${f3(last.rec)} sp ${f3(last.sp)} dist ${f3(last.dist)} cons ${f3(last.cons)} reg ${f3(last.reg)}; reconstruction MSE ID ${f3(s1.reconstructionMse.test)}, OOD ${f3(s1.reconstructionMse.ood)}`,
    `stage 1 ${s1.convergence.converged ? 'converged' : 'NOT CONVERGED'} after ${s1.convergence.epochs} epochs (schedule ${s1.convergence.scheduleEpochs}): ${s1.convergence.criterion}`,
  ];
  for (const split of ['iid', 'ood'] as const) {
    const d = r.disentanglement[split];
    lines.push(`disentanglement (${split}): MIG ${f3(num(d, 'mig'))}  DCI-D ${f3(num(d, 'dci', 'disentanglement'))} DCI-C ${f3(num(d, 'dci', 'completeness'))} DCI-I ${f3(num(d, 'dci', 'informativeness'))}  SAP ${f3(num(d, 'sap'))}  MCC ${f3(num(d, 'mcc', 'pearson'))}`);
  }
  lines.push(`stage 2: alignment ${s2.alignment.map(f3).join(' ')}, normalised ${s2.normalisedAlignment.map(f3).join(' ')}, rms ${s2.rms.map(f3).join(' ')} → subspace ${s2.chosenSubspace} (${s2.chosenBy === 'config' ? 'config' : `least aligned, ${s2.choice}`}); ${s2.method} K = ${s2.k}, sizes ${s2.clusterSizes.join('/')}`);
  lines.push(`discovered labels, NMI per true factor: ${Object.entries(s2.nmi).map(([k, v]) => `${k} ${f3(v)}`).join(', ')}`);
  lines.push(`stage 3 ${s3.converged ? 'converged' : 'NOT CONVERGED'} (${s3.criterion}); ${s3.seeds} seeds, principal accuracy / macro-F1; epochs kept, converged by early stopping:`);
  for (const [arm, a] of Object.entries(s3.arms)) {
    lines.push(`  ${arm.padEnd(7)} ID ${ms(a.iid.accuracy)} / ${ms(a.iid.macroF1)}   OOD ${ms(a.ood.accuracy)} / ${ms(a.ood.macroF1)}   epochs ${a.bestEpochs.join(',')} of ${a.epochs.join(',')}, ${a.converged}/${a.epochs.length} converged`);
  }
  return lines;
}
