/**
 * Typed config overrides: deep-merge a JSON patch into a defaults object. Every key of the patch
 * must exist in the defaults (unknown fields are a UserError naming the path and the known
 * fields), and every value must have the default's type (numbers stay numbers; a `null` default
 * accepts null or a number; nested objects merge recursively).
 */
import { UserError } from '../util/errors';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

function kind(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

export function overrideConfig<T>(defaults: T, patch: unknown, where: string): T {
  if (patch === undefined) return structuredClone(defaults);
  if (kind(patch) !== 'object') throw new UserError(`${where} must be a JSON object, got ${kind(patch)}`);
  const base = defaults as unknown as Record<string, Json>;
  const out: Record<string, Json> = structuredClone(base);
  for (const [key, value] of Object.entries(patch as Record<string, Json>)) {
    const path = `${where}.${key}`;
    if (!(key in base)) throw new UserError(`unknown config field ${path} (known: ${Object.keys(base).join(', ')})`);
    const d = base[key];
    const dk = kind(d);
    const vk = kind(value);
    if (dk === 'object') {
      out[key] = overrideConfig(d, value, path) as Json;
    } else if (dk === 'null' ? vk === 'null' || vk === 'number' : vk === dk) {
      if (vk === 'number' && !Number.isFinite(value as number)) throw new UserError(`config field ${path} must be a finite number`);
      out[key] = value;
    } else {
      throw new UserError(`config field ${path} must be ${dk === 'null' ? 'a number or null' : `a ${dk}`}, got ${vk} ${JSON.stringify(value)}`);
    }
  }
  return out as unknown as T;
}
