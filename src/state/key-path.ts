/**
 * Key and prefix rules shared by every store, so that the same key is valid, and lists in the
 * same place, whichever backend holds it.
 */
import { InvalidSpecError } from '../provider/errors.js';

/** Longest key accepted, in UTF-16 code units; keeps keys well inside index and NOTIFY limits. */
export const MAX_KEY_LENGTH = 1024;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Throws `InvalidSpecError` naming `field` unless `key` is a valid store key: non-empty
 * `/`-separated segments, no leading, trailing or doubled `/`, no NUL, well-formed Unicode
 * (SQLite and PostgreSQL store UTF-8, where a lone surrogate cannot survive the round trip).
 */
export function assertValidKey(key: unknown, field = 'key'): asserts key is string {
  const problem = keyProblem(key);
  if (problem !== undefined) throw new InvalidSpecError({ issues: [{ field, message: problem }] });
}

function keyProblem(key: unknown): string | undefined {
  if (typeof key !== 'string') return 'must be a string';
  if (key.length === 0) return 'must not be empty';
  if (key.length > MAX_KEY_LENGTH) return `must be at most ${MAX_KEY_LENGTH} characters`;
  if (key.startsWith('/') || key.endsWith('/') || key.includes('//')) return 'must be "/"-separated non-empty segments';
  if (key.includes('\u0000')) return 'must not contain NUL';
  if (LONE_SURROGATE.test(key)) return 'must be well-formed Unicode';
  return undefined;
}

/**
 * Turns a list or watch prefix into the exact string every matching key starts with: `''` for
 * all keys, otherwise the path followed by `/` (so `vms/a` never matches `vms/ab`).
 */
export function normalizePrefix(prefix: unknown): string {
  if (prefix === '') return '';
  if (typeof prefix !== 'string') throw new InvalidSpecError({ issues: [{ field: 'prefix', message: 'must be a string' }] });
  const path = prefix.endsWith('/') ? prefix.slice(0, -1) : prefix;
  assertValidKey(path, 'prefix');
  return `${path}/`;
}

/**
 * The smallest string greater than every key starting with `normalizedPrefix` (which ends with
 * `/`), for range scans: `/` is U+002F and `0` is U+0030, so `vms/` ranges up to `vms0`.
 * `undefined` for the empty prefix (no upper bound).
 */
export function prefixUpperBound(normalizedPrefix: string): string | undefined {
  if (normalizedPrefix === '') return undefined;
  return `${normalizedPrefix.slice(0, -1)}0`;
}

// Maps a UTF-16 code unit so that comparing mapped units orders strings by code point: surrogates
// (U+D800–DFFF, which encode code points above U+FFFF) move above U+E000–FFFF.
function codePointRank(unit: number): number {
  if (unit >= 0xe000) return unit - 0x800;
  if (unit >= 0xd800) return unit + 0x2000;
  return unit;
}

/**
 * Orders keys by Unicode code point, which is the byte order of their UTF-8 form: the order
 * SQLite's BINARY and PostgreSQL's "C" collation use, so every store lists in the same order.
 */
export function compareKeys(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codePointRank(x) - codePointRank(y);
  }
  return a.length - b.length;
}
