/** A CliIO that records what a command printed (stdout lines, JSON as text; stderr lines), non-interactive. */
import type { CliIO } from '../lib/util/command';

export function capture(): CliIO & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (l) => stdout.push(l), err: (l) => stderr.push(l), json: (v) => stdout.push(JSON.stringify(v)), interactive: false };
}
