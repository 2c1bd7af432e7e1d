/** Every `dive` command, in the order `dive --help` lists them. Add new commands here. */
import type { Command } from '../util/command';
import { backendCommand } from './commands/backend';
import { theoryCheckCommand } from './commands/theory';
import { benchCommand } from './commands/bench';
import { dataDescribeCommand, dataFetchCommand, dataListCommand } from './commands/data';
import { notebooksCheckCommand, notebooksExportCommand, notebooksOpenCommand, notebooksRunCommand } from './commands/notebooks';
import { setupCommand } from './commands/setup';
import { trainCommand } from './commands/train';
import { evaluateCommand } from './commands/evaluate';
import { reproduceCommand } from './commands/reproduce';
import { tuneCommand } from './commands/tune';
import { mergeCommand } from './commands/merge';
import { jobsKubernetesCommand, jobsSlurmCommand, jobsValidateCommand } from './commands/jobs';

export const COMMANDS: readonly Command[] = [
  backendCommand,
  benchCommand,
  dataListCommand,
  dataDescribeCommand,
  dataFetchCommand,
  setupCommand,
  trainCommand,
  evaluateCommand,
  reproduceCommand,
  tuneCommand,
  mergeCommand,
  jobsSlurmCommand,
  jobsKubernetesCommand,
  jobsValidateCommand,
  notebooksRunCommand,
  notebooksExportCommand,
  notebooksCheckCommand,
  notebooksOpenCommand,
  theoryCheckCommand,
];
