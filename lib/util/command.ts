/**
 * The CLI's command contract and argument parser. Each command lives in its own module under
 * `lib/cli/commands/` and is listed in `lib/cli/registry.ts`.
 *
 * Every command gets `--help` and `--json` for free. Options are declared, typed and
 * documented; an unknown option or a malformed value is a UserError (exit 2).
 */
import { UserError } from './errors';

export type OptionType = 'string' | 'number' | 'integer' | 'boolean' | 'list';

export interface OptionSpec {
  /** Long name without dashes, e.g. "horizon" for --horizon. */
  readonly name: string;
  readonly type: OptionType;
  readonly description: string;
  /** Placeholder in help, e.g. "H". */
  readonly value?: string;
  readonly default?: string | number | boolean;
  /** Restrict a string option to these values. */
  readonly choices?: readonly string[];
}

export interface ParsedArgs {
  /** Positional arguments after the command words. */
  readonly positionals: string[];
  /** Option values by name; defaults applied. list options are string[]. */
  readonly options: Record<string, string | number | boolean | string[] | undefined>;
  readonly json: boolean;
}

export interface CliIO {
  /** Human-readable output (stdout). */
  out(line: string): void;
  /** Progress and diagnostics (stderr), never parsed. */
  err(line: string): void;
  /** Print one JSON value on stdout (used with --json). */
  json(value: unknown): void;
  /** True when stderr is a terminal (progress bars redraw in place). */
  readonly interactive: boolean;
}

export interface Command {
  /** Command words, e.g. ["data", "describe"]. */
  readonly words: readonly string[];
  readonly summary: string;
  /** Positional argument synopsis, e.g. "<name>". */
  readonly args?: string;
  /** Longer help text (one paragraph). */
  readonly help?: string;
  readonly options: readonly OptionSpec[];
  /** Minimum/maximum positional arguments. */
  readonly minArgs?: number;
  readonly maxArgs?: number;
  /**
   * A command provided by a plugin: the full command (its options, help and run), loaded before
   * the arguments are parsed; a UserError from it (the plugin is missing) is a `dive: …` line.
   */
  load?(): Promise<Command>;
  /** Returns the exit code (0 on success). Throw UserError for bad input. */
  run(args: ParsedArgs, io: CliIO): Promise<number>;
}

export function commandName(c: Command): string {
  return c.words.join(' ');
}

/** Parse argv (after the command words) against a command's option specs. */
export function parseArgs(cmd: Command, argv: readonly string[]): ParsedArgs & { help: boolean } {
  const specs = new Map(cmd.options.map((o) => [o.name, o]));
  const options: ParsedArgs['options'] = {};
  for (const o of cmd.options) {
    if (o.default !== undefined) options[o.name] = o.type === 'list' ? String(o.default).split(',').filter(Boolean) : o.default;
  }
  const positionals: string[] = [];
  const given = new Set<string>();
  let json = false;
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!a.startsWith('--') || a === '-') {
      if (a === '-h') help = true;
      else positionals.push(a);
      continue;
    }
    let name = a.slice(2);
    let inline: string | undefined;
    const eq = name.indexOf('=');
    if (eq >= 0) {
      inline = name.slice(eq + 1);
      name = name.slice(0, eq);
    }
    if (name === 'json') { json = true; continue; }
    if (name === 'help') { help = true; continue; }
    const spec = specs.get(name);
    if (!spec) {
      const known = ['json', 'help', ...specs.keys()].map((k) => `--${k}`).join(', ');
      throw new UserError(`unknown option --${name} for 'dive ${commandName(cmd)}' (known: ${known})`);
    }
    if (spec.type === 'boolean') {
      options[name] = inline === undefined ? true : !/^(false|0|no)$/i.test(inline);
      continue;
    }
    let raw = inline;
    if (raw === undefined) {
      if (i + 1 >= argv.length) throw new UserError(`option --${name} needs a value (${spec.value ?? spec.type})`);
      raw = argv[++i];
    }
    options[name] = coerce(cmd, spec, raw, given.has(name) ? options[name] : undefined);
    given.add(name);
  }
  if (!help) {
    const min = cmd.minArgs ?? 0;
    const max = cmd.maxArgs ?? Infinity;
    if (positionals.length < min) throw new UserError(`'dive ${commandName(cmd)}' needs ${cmd.args ?? `${min} argument(s)`} (see dive ${commandName(cmd)} --help)`);
    if (positionals.length > max) throw new UserError(`'dive ${commandName(cmd)}' takes at most ${max} argument(s), got '${positionals.slice(max).join(' ')}'`);
  }
  return { positionals, options, json, help };
}

function coerce(cmd: Command, spec: OptionSpec, raw: string, previous: ParsedArgs['options'][string]): ParsedArgs['options'][string] {
  const where = `--${spec.name} of 'dive ${commandName(cmd)}'`;
  switch (spec.type) {
    case 'number': {
      const v = Number(raw);
      if (raw.trim() === '' || !Number.isFinite(v)) throw new UserError(`${where} must be a number, got '${raw}'`);
      return v;
    }
    case 'integer': {
      const v = Number(raw);
      if (!/^-?\d+$/.test(raw.trim()) || !Number.isSafeInteger(v)) throw new UserError(`${where} must be a whole number, got '${raw}'`);
      return v;
    }
    case 'list': {
      const prev = Array.isArray(previous) ? previous : [];
      return [...prev, ...raw.split(',').map((s) => s.trim()).filter(Boolean)];
    }
    default:
      if (spec.choices && !spec.choices.includes(raw)) throw new UserError(`${where} must be one of ${spec.choices.join(', ')}, got '${raw}'`);
      return raw;
  }
}

/** Typed accessors used by command implementations. */
export function optString(a: ParsedArgs, name: string): string | undefined {
  const v = a.options[name];
  return v === undefined ? undefined : String(v);
}
export function optNumber(a: ParsedArgs, name: string): number | undefined {
  const v = a.options[name];
  return typeof v === 'number' ? v : undefined;
}
export function optBool(a: ParsedArgs, name: string): boolean {
  return a.options[name] === true;
}
export function optList(a: ParsedArgs, name: string): string[] {
  const v = a.options[name];
  return Array.isArray(v) ? v : [];
}

export function formatHelp(cmd: Command): string {
  const lines = [`usage: dive ${commandName(cmd)}${cmd.args ? ` ${cmd.args}` : ''} [options]`, '', cmd.summary];
  if (cmd.help) lines.push('', cmd.help);
  lines.push('', 'options:');
  const rows: [string, string][] = cmd.options.map((o) => [
    `--${o.name}${o.type === 'boolean' ? '' : ` ${o.value ?? o.type.toUpperCase()}`}`,
    `${o.description}${o.choices ? ` (${o.choices.join('|')})` : ''}${o.default !== undefined ? ` [default: ${String(o.default)}]` : ''}`,
  ]);
  rows.push(['--json', 'print one machine-readable JSON object on stdout'], ['--help', 'show this help']);
  const w = Math.max(...rows.map((r) => r[0].length));
  for (const [a, b] of rows) lines.push(`  ${a.padEnd(w)}  ${b}`);
  return lines.join('\n');
}
