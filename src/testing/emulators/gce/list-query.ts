/**
 * GCE's list parameters (Compute Engine REST reference, `instances.list` / `aggregatedList`
 * query parameters, read 2026-12): `filter`, `maxResults` (0–500, default 500), `pageToken`,
 * `orderBy` (`name` or `creationTimestamp desc` only) and `returnPartialSuccess`.
 *
 * The filter language, as much of it as the emulator reads: comparisons `field = value`,
 * `field != value`, `field : value` (has; `labels.env:*` tests presence), values bare or
 * double-quoted, `*` as a wildcard inside a value; comparisons joined by spaces or `AND`, by
 * `OR`, negated by `NOT` or a leading `-`, grouped with parentheses. Fields are dotted paths into
 * the resource as the REST API returns it (`labels.env`, `status`, `name`, `scheduling.provisioningModel`);
 * a URL-valued field also matches its last segment (`zone = us-central1-a`, `machineType = e2-small`).
 * Anything else is refused with GCE's 400 `Invalid list filter expression`, never ignored.
 */
import { invalidField } from './gce-error.js';
import { paginate, PaginationError, type Page } from '../kit/token-pagination.js';

type Filter =
  | { readonly op: 'and' | 'or'; readonly parts: readonly Filter[] }
  | { readonly op: 'not'; readonly part: Filter }
  | { readonly op: 'cmp'; readonly field: string; readonly cmp: '=' | '!=' | ':'; readonly value: string };

function tokenize(text: string): string[] {
  const tokens: string[] = [];
  const re = /\s*(\(|\)|!=|=|:|"(?:[^"\\]|\\.)*"|[^\s()=!:"]+)/y;
  let at = 0;
  while (at < text.length) {
    if (/^\s*$/.test(text.slice(at))) break;
    re.lastIndex = at;
    const m = re.exec(text);
    if (!m) throw new Error('bad token');
    tokens.push(m[1]!);
    at = re.lastIndex;
  }
  return tokens;
}

class Parser {
  private at = 0;
  constructor(private readonly tokens: readonly string[]) {}

  parse(): Filter {
    const f = this.or();
    if (this.at < this.tokens.length) throw new Error('trailing tokens');
    return f;
  }

  private peek(): string | undefined {
    return this.tokens[this.at];
  }

  private or(): Filter {
    const parts = [this.and()];
    while (this.peek()?.toUpperCase() === 'OR') {
      this.at++;
      parts.push(this.and());
    }
    return parts.length === 1 ? parts[0]! : { op: 'or', parts };
  }

  private and(): Filter {
    const parts = [this.unary()];
    for (;;) {
      const next = this.peek();
      if (next === undefined || next === ')' || next.toUpperCase() === 'OR') break;
      if (next.toUpperCase() === 'AND') this.at++;
      parts.push(this.unary());
    }
    return parts.length === 1 ? parts[0]! : { op: 'and', parts };
  }

  private unary(): Filter {
    const next = this.peek();
    if (next?.toUpperCase() === 'NOT') {
      this.at++;
      return { op: 'not', part: this.unary() };
    }
    if (next === '(') {
      this.at++;
      const inner = this.or();
      if (this.tokens[this.at++] !== ')') throw new Error('missing )');
      return inner;
    }
    let field = this.tokens[this.at++];
    if (field === undefined || /^[()=:!]/.test(field)) throw new Error('field expected');
    let negate = false;
    if (field.startsWith('-')) {
      negate = true;
      field = field.slice(1);
    }
    const cmp = this.tokens[this.at++];
    if (cmp !== '=' && cmp !== '!=' && cmp !== ':') throw new Error('comparison expected');
    const raw = this.tokens[this.at++];
    if (raw === undefined || ['(', ')', '=', '!=', ':'].includes(raw)) throw new Error('value expected');
    const value = raw.startsWith('"') ? raw.slice(1, -1).replace(/\\(.)/g, '$1') : raw;
    const leaf: Filter = { op: 'cmp', field, cmp, value };
    return negate ? { op: 'not', part: leaf } : leaf;
  }
}

function lookup(resource: unknown, path: string): unknown {
  let node: unknown = resource;
  for (const part of path.split('.')) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return node;
}

function matchesValue(actual: unknown, pattern: string): boolean {
  if (actual === undefined || actual === null) return false;
  const text = String(actual);
  const re = new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
  return re.test(text) || (text.includes('/') && re.test(text.slice(text.lastIndexOf('/') + 1)));
}

function evaluate(filter: Filter, resource: unknown): boolean {
  switch (filter.op) {
    case 'and':
      return filter.parts.every((p) => evaluate(p, resource));
    case 'or':
      return filter.parts.some((p) => evaluate(p, resource));
    case 'not':
      return !evaluate(filter.part, resource);
    case 'cmp': {
      const actual = lookup(resource, filter.field);
      if (filter.cmp === ':' && filter.value === '*') return actual !== undefined && actual !== null;
      const values = Array.isArray(actual) ? actual : [actual];
      const hit = values.some((v) => matchesValue(v, filter.value));
      return filter.cmp === '!=' ? !hit : hit;
    }
  }
}

/** A parsed `filter`: a predicate over rendered resources. Throws GCE's 400 for what it cannot read. */
export function compileFilter(text: string | null | undefined): (resource: unknown) => boolean {
  if (text === null || text === undefined || text.trim() === '') return () => true;
  let filter: Filter;
  try {
    filter = new Parser(tokenize(text)).parse();
  } catch {
    throw invalidField('filter', text, 'Invalid list filter expression.');
  }
  return (resource) => evaluate(filter, resource);
}

/** The list parameters of a request, checked. */
export interface ListQuery {
  /** The predicate of `filter`. */
  readonly matches: (resource: unknown) => boolean;
  /** Page size. */
  readonly maxResults: number;
  /** Page token, when one was sent. */
  readonly pageToken: string | undefined;
  /** Sort order. */
  readonly orderBy: 'name' | 'creationTimestamp desc';
  /** `returnPartialSuccess`. */
  readonly returnPartialSuccess: boolean;
  /** The query in a stable text form, to bind page tokens to it. */
  readonly fingerprint: string;
}

/** Reads `filter`, `maxResults`, `pageToken`, `orderBy` and `returnPartialSuccess`. */
export function readListQuery(query: URLSearchParams): ListQuery {
  const rawMax = query.get('maxResults');
  const maxResults = rawMax === null ? 500 : Number(rawMax);
  if (!Number.isInteger(maxResults) || maxResults < 0 || maxResults > 500) throw invalidField('maxResults', rawMax, 'Must be between 0 and 500, inclusive.');
  const orderBy = query.get('orderBy') ?? 'name';
  if (orderBy !== 'name' && orderBy !== 'creationTimestamp desc') throw invalidField('orderBy', orderBy, "Only 'name' and 'creationTimestamp desc' are supported.");
  const filter = query.get('filter') ?? '';
  return {
    matches: compileFilter(filter),
    maxResults: maxResults === 0 ? 500 : maxResults,
    pageToken: query.get('pageToken') || undefined,
    orderBy,
    returnPartialSuccess: query.get('returnPartialSuccess') === 'true',
    fingerprint: JSON.stringify([filter, orderBy]),
  };
}

/** One page of `items` (already filtered and ordered), GCE's 400 for a token of another query. */
export function pageOf<T>(items: readonly T[], list: ListQuery): Page<T> {
  try {
    return paginate(items, { token: list.pageToken, pageSize: list.maxResults, query: list.fingerprint });
  } catch (e) {
    if (e instanceof PaginationError) throw invalidField('pageToken', list.pageToken ?? '', 'Invalid page token.');
    throw e;
  }
}

/** Sorts by `name`, or newest first for `creationTimestamp desc`. */
export function ordered<T extends { readonly name: string; readonly creationTimestamp: string }>(items: T[], orderBy: ListQuery['orderBy']): T[] {
  return orderBy === 'name' ? items.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)) : items.sort((a, b) => b.creationTimestamp.localeCompare(a.creationTimestamp));
}
