/**
 * The workloads `dive bench` knows. Add one by writing a module that exports a `Workload`
 * (see ../types.ts and mlpVae.ts) and listing it here.
 */
import type { Workload } from '../types';
import { mlpVaeWorkload } from './mlpVae';
import { deepdiveWorkload } from './deepdive';
import { gruWorkload } from './gru';

export const WORKLOADS: readonly Workload[] = [mlpVaeWorkload(), deepdiveWorkload('electricity'), deepdiveWorkload('gait'), gruWorkload()];

export function workloadNames(workloads: readonly Workload[] = WORKLOADS): string[] {
  return workloads.map((w) => w.name);
}

export function findWorkload(name: string, workloads: readonly Workload[] = WORKLOADS): Workload | undefined {
  return workloads.find((w) => w.name === name);
}
