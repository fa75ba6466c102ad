/**
 * Parsing of EC2 Query requests: a form-encoded body whose keys are dotted paths with
 * one-based list indexes (`NetworkInterface.1.SecurityGroupId.2=sg-1`). The tree built here
 * turns numbered segments into arrays, so handlers read `params.NetworkInterface[0]`.
 * Source: Amazon EC2 API Reference, "Query requests" (read 2026-11), and the bodies
 * `@aws-sdk/client-ec2` 3.1169 sends.
 */

/** A node of the parsed request: text, a list or a structure. */
export type QueryNode = string | QueryNode[] | { [key: string]: QueryNode };

/** A parsed request: its action, API version and parameters as a tree. */
export interface QueryRequest {
  /** The `Action` parameter, e.g. `RunInstances`. */
  readonly action: string;
  /** The `Version` parameter. */
  readonly version: string | undefined;
  /** Every other parameter, as a tree. */
  readonly params: { readonly [key: string]: QueryNode };
}

/** Parses a form-encoded EC2 Query body. */
export function parseQueryRequest(body: string): QueryRequest {
  const root: { [key: string]: QueryNode } = {};
  let action = '';
  let version: string | undefined;
  for (const [key, value] of new URLSearchParams(body)) {
    if (key === 'Action') action = value;
    else if (key === 'Version') version = value;
    else insert(root, key.split('.'), value);
  }
  return { action, version, params: compact(root) as { [key: string]: QueryNode } };
}

function insert(node: { [key: string]: QueryNode }, path: string[], value: string): void {
  let current: { [key: string]: QueryNode } = node;
  for (let i = 0; i < path.length - 1; i++) {
    const segment = path[i]!;
    const next = current[segment];
    if (next === undefined || typeof next === 'string') {
      const created: { [key: string]: QueryNode } = {};
      current[segment] = created;
      current = created;
    } else {
      current = next as { [key: string]: QueryNode };
    }
  }
  current[path[path.length - 1]!] = value;
}

/** Objects whose keys are all positive integers become arrays ordered by index. */
function compact(node: QueryNode): QueryNode {
  if (typeof node === 'string' || Array.isArray(node)) return node;
  const keys = Object.keys(node);
  const converted: { [key: string]: QueryNode } = {};
  for (const k of keys) converted[k] = compact(node[k]!);
  if (keys.length > 0 && keys.every((k) => /^[1-9][0-9]*$/.test(k))) {
    return keys
      .map(Number)
      .sort((a, b) => a - b)
      .map((k) => converted[String(k)]!);
  }
  return converted;
}

/** Reads a text parameter. */
export function textOf(node: QueryNode | undefined): string | undefined {
  return typeof node === 'string' ? node : undefined;
}

/** Reads a list parameter (a single value counts as a list of one). */
export function listOf(node: QueryNode | undefined): QueryNode[] {
  if (node === undefined) return [];
  return Array.isArray(node) ? node : [node];
}

/** Reads a list of text values. */
export function textListOf(node: QueryNode | undefined): string[] {
  return listOf(node).filter((n): n is string => typeof n === 'string');
}

/** Reads a structure parameter. */
export function structOf(node: QueryNode | undefined): { readonly [key: string]: QueryNode } {
  return node !== undefined && typeof node === 'object' && !Array.isArray(node) ? node : {};
}

/** Reads an integer parameter. */
export function intOf(node: QueryNode | undefined): number | undefined {
  const text = textOf(node);
  if (text === undefined || !/^-?[0-9]+$/.test(text)) return undefined;
  return Number(text);
}

/** Reads a boolean parameter. */
export function boolOf(node: QueryNode | undefined): boolean | undefined {
  const text = textOf(node);
  return text === undefined ? undefined : text === 'true';
}

/** A request filter (`Filter.N.Name`, `Filter.N.Value.M`). */
export interface QueryFilter {
  /** Filter name, e.g. `tag:team` or `instance-state-name`. */
  readonly name: string;
  /** Accepted values; any one matches. */
  readonly values: readonly string[];
}

/** Reads `Filter.N` parameters. */
export function filtersOf(params: { readonly [key: string]: QueryNode }): QueryFilter[] {
  return listOf(params.Filter).map((f) => {
    const s = structOf(f);
    return { name: textOf(s.Name) ?? '', values: textListOf(s.Value) };
  });
}

/**
 * Matches a filter value the way EC2 does: `*` matches any run of characters, `?` one
 * character, and a backslash makes the next character literal (source: EC2 API Reference,
 * "Filter resources", read 2026-11).
 */
export function matchesFilterValue(pattern: string, value: string): boolean {
  if (!/[*?\\]/.test(pattern)) return pattern === value;
  let re = '^';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\' && i + 1 < pattern.length) re += escapeRegExp(pattern[++i]!);
    else if (c === '*') re += '[\\s\\S]*';
    else if (c === '?') re += '[\\s\\S]';
    else re += escapeRegExp(c);
  }
  return new RegExp(`${re}$`).test(value);
}

function escapeRegExp(c: string): string {
  return /[.*+?^${}()|[\]\\/]/.test(c) ? `\\${c}` : c;
}
