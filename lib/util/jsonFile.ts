import * as fs from 'node:fs';
import { UserError } from './errors';

/**
 * A user's JSON config file, parsed; a missing file or invalid JSON is a one-line UserError that
 * names the file and shows `example` (e.g. '{"stage1": {"epochs": 10}}') as the fix.
 */
export function readJsonConfigFile(file: string, example: string): unknown {
  if (!fs.existsSync(file)) throw new UserError(`config file ${file} does not exist; pass a JSON file like ${example}`);
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new UserError(`config file ${file} is not valid JSON: ${(err as Error).message.split('\n')[0]}`);
  }
}
