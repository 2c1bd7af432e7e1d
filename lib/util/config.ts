/**
 * Typed configs: every config of divelab is one zod schema that carries each field's type,
 * default, range and doc together (`z.int().min(1).default(16).describe('…')`), so the
 * defaults are written once: `defaultsOf(schema)` is the full default config, the TypeScript
 * type is `z.output<typeof schema>`, and `parseConfig` turns a user's partial JSON patch into a
 * full config or one-line `UserError` naming the field, what it must be and what it got.
 *
 * Schemas are strict (an unknown field is an error listing the known ones); nested objects use
 * `.prefault({})` so that a partial nested patch gets the nested defaults.
 */
import { z } from 'zod';
import { UserError } from './errors';

export { z };

/** Any object schema, possibly wrapped in default/prefault/optional/nullable. */
type Wrapped = z.ZodType & { unwrap?: () => z.ZodType; def?: { innerType?: z.ZodType; shape?: Record<string, z.ZodType> } };

/** The object shape under a schema's wrappers (default, prefault, optional, nullable, pipe), if it is an object. */
export function objectShape(schema: z.ZodType): Record<string, z.ZodType> | undefined {
  let s = schema as Wrapped;
  for (let i = 0; i < 8; i++) {
    if (s instanceof z.ZodObject) return s.shape as Record<string, z.ZodType>;
    const inner = s.def?.innerType ?? (s as unknown as { def?: { in?: z.ZodType } }).def?.in;
    if (!inner) return undefined;
    s = inner as Wrapped;
  }
  return undefined;
}

/** The schema of the field at a path, wrappers included (undefined when the path leaves the objects). */
function fieldAt(schema: z.ZodType, path: readonly PropertyKey[]): z.ZodType | undefined {
  if (path.length === 0) return schema;
  const parent = shapeAt(schema, path.slice(0, -1));
  return parent?.[String(path[path.length - 1])];
}

/** Unwrap default/prefault/optional/nullable: is the field a whole number? accepts null? */
function leafFacts(field: z.ZodType | undefined): { int: boolean; nullable: boolean } {
  let s = field as Wrapped | undefined;
  let nullable = false;
  for (let i = 0; s && i < 8; i++) {
    if (s instanceof z.ZodNullable) nullable = true;
    const format = (s as unknown as { format?: string }).format;
    if (format === 'safeint' || format === 'int32') return { int: true, nullable };
    const inner = s.def?.innerType;
    if (!inner) break;
    s = inner as Wrapped;
  }
  return { int: false, nullable };
}

function shapeAt(schema: z.ZodType, path: readonly PropertyKey[]): Record<string, z.ZodType> | undefined {
  let shape = objectShape(schema);
  for (const key of path) {
    const next = shape?.[String(key)];
    if (!next) return undefined;
    shape = objectShape(next);
  }
  return shape;
}

function valueAt(value: unknown, path: readonly PropertyKey[]): unknown {
  let v = value;
  for (const key of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[String(key)];
  }
  return v;
}

function kindOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

function shown(v: unknown): string {
  return typeof v === 'string' ? `'${v}'` : JSON.stringify(v) ?? String(v);
}

const TYPE_WORDS: Record<string, string> = { int: 'a whole number', number: 'a finite number', string: 'a string', boolean: 'true or false', object: 'a JSON object', array: 'a JSON array', null: 'null' };

/** One line for the first issue of a failed parse. */
function issueLine(schema: z.ZodType, issue: z.core.$ZodIssue, patch: unknown, where: string): string {
  const at = (path: readonly PropertyKey[]): string => [where, ...path.map(String)].filter((s) => s !== '').join('.');
  const got = valueAt(patch, issue.path);
  const field = `config field ${at(issue.path)}`;
  switch (issue.code) {
    case 'unrecognized_keys': {
      const known = Object.keys(shapeAt(schema, issue.path) ?? {});
      return `unknown config field ${at([...issue.path, issue.keys[0]!])} (known: ${known.join(', ')})`;
    }
    case 'invalid_type': {
      const facts = leafFacts(fieldAt(schema, issue.path));
      const expected = facts.int ? 'int' : issue.expected;
      if (got === undefined && issue.path.length > 0) return `${field} is missing`;
      const word = TYPE_WORDS[expected] ?? `a ${expected}`;
      return `${field} must be ${word}${facts.nullable ? ' or null' : ''}, got ${got === null ? 'null' : `${kindOf(got)} ${shown(got)}`}`;
    }
    case 'too_small': {
      const min = Number(issue.minimum);
      return `${field} must be ${issue.inclusive ? '≥' : '>'} ${min}, got ${shown(got)}`;
    }
    case 'too_big': {
      const max = Number(issue.maximum);
      return `${field} must be ${issue.inclusive ? '≤' : '<'} ${max}, got ${shown(got)}`;
    }
    case 'invalid_value': {
      const values = issue.values.map((v) => String(v));
      return `${field} must be ${values.length === 2 ? values.join(' or ') : `one of ${values.join(', ')}`}, got ${shown(got)}`;
    }
    case 'not_multiple_of':
      return `${field} must be a multiple of ${String(issue.divisor)}, got ${shown(got)}`;
    case 'invalid_union':
      return `${field}: ${issue.message}, got ${shown(got)}`;
    default: {
      // A refinement's message written as a predicate ("must be ≥ 125 (…)") reads on from the field name.
      const sep = /^must\b/.test(issue.message) ? ' ' : ': ';
      return `${field}${sep}${issue.message}${got === undefined ? '' : `, got ${shown(got)}`}`;
    }
  }
}

/**
 * A full config from a partial patch: defaults filled in, nested objects merged field by
 * field, unknown fields and bad values a one-line UserError (`where` names the config, e.g.
 * 'model' → "config field model.dropout must be < 1, got 1.5").
 */
export function parseConfig<S extends z.ZodType>(schema: S, patch: unknown, where: string): z.output<S> {
  const input = patch === undefined ? {} : patch;
  if (kindOf(input) !== 'object') throw new UserError(`${where} must be a JSON object, got ${kindOf(input)}`);
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  throw new UserError(issueLine(schema, r.error.issues[0]!, input, where));
}

/**
 * A full config from a partial patch laid over `base`, a full config of the same schema (a
 * preset such as QUICK_*, or a config already parsed from a file): nested objects merge field by
 * field, arrays and scalars replace, undefined keeps the base value. `source` names where the
 * patch came from, ahead of the one-line error ("config file x.json: unknown config field stage1.epoch (known: …)").
 */
export function parseOver<S extends z.ZodType>(schema: S, base: z.output<S>, patch: unknown, source: string): z.output<S> {
  const input = patch === undefined || patch === null ? {} : patch;
  if (kindOf(input) !== 'object') throw new UserError(`${source} must be a JSON object, got ${kindOf(input)}`);
  try {
    return parseConfig(schema, mergeOver(base, input), '');
  } catch (e) {
    if (e instanceof UserError) throw new UserError(`${source}: ${e.message}`);
    throw e;
  }
}

function mergeOver(base: unknown, patch: unknown): unknown {
  if (kindOf(base) !== 'object' || kindOf(patch) !== 'object') return patch;
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [k, v] of Object.entries(patch as Record<string, unknown>)) if (v !== undefined) out[k] = k in out ? mergeOver(out[k], v) : v;
  return out;
}

/**
 * The same strict object schema with other defaults for some fields (types, ranges and docs
 * kept): e.g. the benchmark generator's schema with the sizes a method uses by default.
 */
export function withDefaults<T extends z.ZodObject>(schema: T, defaults: Partial<z.output<T>>): T {
  const shape: Record<string, z.ZodType> = {};
  for (const [k, v] of Object.entries(defaults)) {
    const field = schema.shape[k];
    if (!(field instanceof z.ZodDefault)) throw new Error(`withDefaults: field ${k} has no default to replace`);
    shape[k] = (field.unwrap() as z.ZodType).default(v as never).describe(field.description ?? '');
  }
  return schema.extend(shape) as unknown as T;
}

/** The full default config of a schema (a fresh object each call). */
export function defaultsOf<S extends z.ZodType>(schema: S): z.output<S> {
  return schema.parse({});
}

/** One documented field of a config schema, for `dive … --describe` and docs. */
export interface FieldDoc {
  readonly path: string;
  readonly type: string;
  readonly default: unknown;
  readonly doc: string;
}

/** Every leaf field of a config schema with its type, default and doc (nested fields as a.b). */
export function describeConfig(schema: z.ZodType): FieldDoc[] {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  const out: FieldDoc[] = [];
  const walk = (node: JsonSchema, prefix: string): void => {
    for (const [key, child] of Object.entries(node.properties ?? {})) {
      const path = prefix ? `${prefix}.${key}` : key;
      if (child.properties) {
        walk(child, path);
        continue;
      }
      out.push({ path, type: typeText(child), default: child.default, doc: child.description ?? '' });
    }
  };
  walk(json, '');
  return out;
}

interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  default?: unknown;
  description?: string;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
}

function typeText(s: JsonSchema): string {
  if (s.enum) return s.enum.map((v) => JSON.stringify(v)).join(' | ');
  if (s.const !== undefined) return JSON.stringify(s.const);
  if (s.anyOf) return s.anyOf.map(typeText).join(' | ');
  const t = Array.isArray(s.type) ? s.type.join(' | ') : (s.type ?? 'any');
  const lo = s.minimum !== undefined ? `≥ ${s.minimum}` : s.exclusiveMinimum !== undefined ? `> ${s.exclusiveMinimum}` : '';
  const hi = s.maximum !== undefined ? `≤ ${s.maximum}` : s.exclusiveMaximum !== undefined ? `< ${s.exclusiveMaximum}` : '';
  const range = [lo, hi].filter(Boolean).join(', ');
  return range ? `${t} (${range})` : t;
}
