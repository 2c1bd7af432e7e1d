/** Every `dive` command, in the order `dive --help` lists them. Add new commands here. */
import type { Command } from './command';
import { backendCommand } from './commands/backend';

export const COMMANDS: readonly Command[] = [
  backendCommand,
];
