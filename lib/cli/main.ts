/**
 * `dive` entry point: finds the command by its words, parses options, runs it, and maps
 * errors to exit codes (2: bad input, with a one-line `dive: …` message; 1: internal failure).
 */
import { commandName, formatHelp, parseArgs, type CliIO, type Command } from '../util/command';
import { COMMANDS } from './registry';
import { UserError } from '../util/errors';
import { packageVersion } from '../version';
import { envPlugins, loadPlugins, takePluginArgs } from './plugins';

export function makeIO(): CliIO {
  return {
    out: (l) => process.stdout.write(`${l}\n`),
    err: (l) => process.stderr.write(`${l}\n`),
    json: (v) => process.stdout.write(`${JSON.stringify(v, null, 2)}\n`),
    interactive: Boolean(process.stderr.isTTY),
  };
}

function findCommand(argv: readonly string[]): { cmd: Command; rest: string[] } | undefined {
  let best: Command | undefined;
  for (const c of COMMANDS) {
    if (c.words.every((w, i) => argv[i] === w) && (!best || c.words.length > best.words.length)) best = c;
  }
  return best ? { cmd: best, rest: argv.slice(best.words.length) } : undefined;
}

export function globalHelp(): string {
  const w = Math.max(...COMMANDS.map((c) => commandName(c).length + (c.args ? c.args.length + 1 : 0)));
  return [
    'usage: dive <command> [options]   (every command takes --help and --json; dive --version prints the version)',
    '',
    'commands:',
    ...COMMANDS.map((c) => `  ${`${commandName(c)}${c.args ? ` ${c.args}` : ''}`.padEnd(w)}  ${c.summary}`),
    '',
    'plugins:     --plugin FILE (any command, repeatable) or DIVE_PLUGINS=FILE[:FILE…] loads your own model,',
    '             data set and metric cards (a .js module exporting models, datasets, metrics; docs/architecture.md)',
    'environment: DIVE_BACKEND (tensorflow-gpu|tensorflow|wasm|cpu), DIVE_DATA_DIR (download cache),',
    '             DIVE_DATA_MIRROR (local mirror folder for `dive data fetch`), DIVE_FAST_KERNELS=0',
    '             (tfjs kernels and plain op definitions), DIVE_SPEEDLAB=0 (run as without the speed',
    '             lab), DIVE_QUICK=1 (quick settings in notebooks)',
  ].join('\n');
}

export async function main(allArgs: readonly string[], io: CliIO = makeIO()): Promise<number> {
  let argv: readonly string[];
  try {
    const { plugins, rest } = takePluginArgs(allArgs);
    loadPlugins([...envPlugins(), ...plugins]);
    argv = rest;
  } catch (err) {
    if (err instanceof UserError) {
      io.err(`dive: ${err.message}`);
      return 2;
    }
    throw err;
  }
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    io.out(globalHelp());
    return 0;
  }
  if (argv[0] === '--version' || argv[0] === '-V') {
    const extra = argv.slice(1).filter((a) => a !== '--json');
    if (extra.length > 0) {
      io.err(`dive: --version takes no arguments except --json (got '${extra[0]}')`);
      return 2;
    }
    if (argv.includes('--json')) io.json({ name: 'divelab', version: packageVersion() });
    else io.out(`divelab ${packageVersion()}`);
    return 0;
  }
  const found = findCommand(argv);
  try {
    if (!found) {
      const prefix = COMMANDS.filter((c) => c.words[0] === argv[0]);
      if (prefix.length) {
        throw new UserError(`unknown subcommand 'dive ${argv.slice(0, 2).join(' ')}' (try: ${prefix.map((c) => `dive ${commandName(c)}`).join(', ')})`);
      }
      throw new UserError(`unknown command '${argv[0]}' (run 'dive --help' for the list)`);
    }
    const cmd = found.cmd.load ? await found.cmd.load() : found.cmd;
    const parsed = parseArgs(cmd, found.rest);
    if (parsed.help) {
      io.out(formatHelp(cmd));
      return 0;
    }
    return await cmd.run(parsed, io);
  } catch (err) {
    if (err instanceof UserError) {
      io.err(`dive: ${err.message}`);
      return 2;
    }
    const e = err as Error;
    io.err(`dive: internal error: ${e?.stack ?? String(err)}`);
    return 1;
  }
}
