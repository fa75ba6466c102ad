/**
 * Guards for values callers hand in (VM specs, placement requests, call options, manifests).
 * Schemas only look at the fields they know, but the code around them walks, copies and prints
 * whole values; these guards keep that safe for any input: nesting is bounded, cycles and the
 * keys that reach `Object.prototype` are refused, lists are not taken for objects, and a value
 * shown in a message is never serialized whole.
 *
 * The parsers use them, and adapters validating their own inputs reach them through
 * `novacron/provider-utils`.
 */
import * as v from 'valibot';
import type { SpecIssue } from './errors.js';

/**
 * Deepest nesting accepted. A VM spec needs 3 levels and a VirtualMachine manifest about 8;
 * the bound keeps every walk over an input far from the call-stack limit.
 */
export const MAX_INPUT_DEPTH = 32;

/** Keys that name or reach an object's prototype when assigned; refused wherever they appear. */
export const RESERVED_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

const IDENTIFIER = /^[A-Za-z_$][\w$-]*$/;

/** Appends a key to a field path: `spec.labels`, `constraints[0]`, `labels["a b"]`. */
export function joinPath(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  if (!IDENTIFIER.test(key)) return `${parent}[${JSON.stringify(key)}]`;
  return parent === '' ? key : `${parent}.${key}`;
}

/** True for a non-null object that is not a list. */
export function isObjectRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Finds the first structural problem of a value: nesting deeper than {@link MAX_INPUT_DEPTH},
 * an object that contains itself, or a reserved key. Returns `undefined` when there is none.
 *
 * Each object is walked again only when reached at a deeper level than before (sharing is
 * fine; only depth matters), so the walk is linear in the input, even for inputs with heavy
 * sharing such as YAML aliases.
 */
export function findStructuralIssue(value: unknown, root = ''): SpecIssue | undefined {
  const onPath = new Set<object>();
  const clearedAtDepth = new Map<object, number>();
  const at = (path: string): string => path || '(root)';
  const visit = (node: unknown, depth: number, path: string): SpecIssue | undefined => {
    if (typeof node !== 'object' || node === null) return undefined;
    if (onPath.has(node)) return { field: at(path), message: 'refers back to an object that contains it (a cyclic object)' };
    if ((clearedAtDepth.get(node) ?? -1) >= depth) return undefined;
    if (depth >= MAX_INPUT_DEPTH) return { field: at(path), message: `is nested more than ${MAX_INPUT_DEPTH} levels deep` };
    onPath.add(node);
    const isList = Array.isArray(node);
    for (const key of Object.keys(node)) {
      const child = isList && /^[0-9]+$/.test(key) ? joinPath(path, Number(key)) : joinPath(path, key);
      if (RESERVED_KEYS.has(key)) {
        onPath.delete(node);
        return { field: at(child), message: `"${key}" is a reserved key and cannot be used` };
      }
      const issue = visit((node as Record<string, unknown>)[key], depth + 1, child);
      if (issue) {
        onPath.delete(node);
        return issue;
      }
    }
    onPath.delete(node);
    clearedAtDepth.set(node, depth);
    return undefined;
  };
  return visit(value, 0, root);
}

const MAX_SHOWN_CHARS = 64;

/**
 * A short rendering of any value for an error message: strings quoted (and cut at 64
 * characters), numbers as written (`NaN`, `-Infinity`), containers by kind only, since they
 * may be huge, deep or cyclic.
 */
export function describeInput(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value.length > MAX_SHOWN_CHARS ? `${value.slice(0, MAX_SHOWN_CHARS)}…` : value);
    case 'number':
    case 'boolean':
    case 'undefined':
      return String(value);
    case 'bigint':
      return `${value}n`;
    case 'symbol':
      return value.toString();
    case 'function':
      return 'a function';
    default:
      if (value === null) return 'null';
      return Array.isArray(value) ? 'a list' : 'an object';
  }
}

/**
 * A strict object schema that also refuses lists (valibot's object schemas take any
 * non-null object, arrays included), with `message` for a value that is not an object.
 */
export function strictObjectSchema<const TEntries extends v.ObjectEntries>(entries: TEntries, message: string) {
  return v.pipe(
    v.custom<Record<string, unknown>>(isObjectRecord, (issue) => `${message}, got ${describeInput(issue.input)}`),
    v.strictObject(entries),
  );
}
