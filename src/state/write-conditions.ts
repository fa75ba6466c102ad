/**
 * Validation of write conditions and the conflict errors every store raises, so that a caller
 * sees the same error, with the same fields, from every backend.
 */
import { ConflictError, InvalidSpecError } from '../provider/errors.js';
import { FencedError } from './fenced-error.js';
import { assertValidKey, compareKeys } from './key-path.js';
import type { FencingGuard, TransactionOp } from './state-store.js';

/** Throws `InvalidSpecError` unless `version` is a positive safe integer. */
export function assertVersion(version: unknown, field: string): asserts version is number {
  if (typeof version !== 'number' || !Number.isSafeInteger(version) || version < 1) {
    throw new InvalidSpecError({ issues: [{ field, message: 'must be a positive integer version' }] });
  }
}

/** Validates a put's `expectedVersion` (`null`, `undefined` or a version). */
export function assertExpectedVersion(expected: unknown, field = 'expectedVersion'): asserts expected is number | null | undefined {
  if (expected === null || expected === undefined) return;
  assertVersion(expected, field);
}

/** Validates a fencing guard, when one is given. */
export function assertFencingGuard(guard: FencingGuard | undefined): void {
  if (guard === undefined) return;
  assertValidLeaseName(guard.lease, 'fencing.lease');
  if (typeof guard.token !== 'number' || !Number.isSafeInteger(guard.token) || guard.token < 1) {
    throw new InvalidSpecError({ issues: [{ field: 'fencing.token', message: 'must be a positive integer token' }] });
  }
}

/** Validates a lease name (same rules as keys, so names like `vm-lock/aws/i-1` work). */
export function assertValidLeaseName(name: unknown, field = 'name'): asserts name is string {
  assertValidKey(name, field);
}

/** Validates a lease holder id. */
export function assertValidHolder(holder: unknown, field = 'holder'): asserts holder is string {
  if (typeof holder !== 'string' || holder.length === 0 || holder.length > 256) {
    throw new InvalidSpecError({ issues: [{ field, message: 'must be a non-empty string of at most 256 characters' }] });
  }
}

/** Validates a lease duration. */
export function assertTtl(ttlMs: unknown): asserts ttlMs is number {
  if (typeof ttlMs !== 'number' || !Number.isSafeInteger(ttlMs) || ttlMs < 1) {
    throw new InvalidSpecError({ issues: [{ field: 'ttlMs', message: 'must be a positive integer number of milliseconds' }] });
  }
}

/** Validates a transaction's operations: known kinds, valid keys and versions, each key once. */
export function assertValidOps(ops: readonly TransactionOp[]): void {
  if (!Array.isArray(ops)) throw new InvalidSpecError({ issues: [{ field: 'ops', message: 'must be an array' }] });
  const seen = new Set<string>();
  ops.forEach((op, i) => {
    const at = `ops[${i}]`;
    assertValidKey(op.key, `${at}.key`);
    if (seen.has(op.key)) throw new InvalidSpecError({ issues: [{ field: `${at}.key`, message: `key "${op.key}" appears twice in one transaction` }] });
    seen.add(op.key);
    if (op.type === 'put') assertExpectedVersion(op.expectedVersion, `${at}.expectedVersion`);
    else if (op.type === 'delete') {
      if (op.expectedVersion !== undefined) assertVersion(op.expectedVersion, `${at}.expectedVersion`);
    } else if (op.type === 'check') assertVersion(op.expectedVersion, `${at}.expectedVersion`);
    else throw new InvalidSpecError({ issues: [{ field: `${at}.type`, message: 'must be "put", "delete" or "check"' }] });
  });
}

/**
 * Indices of `ops` in key order. Stores apply a transaction's operations in this order, so that
 * two transactions over the same keys lock rows in the same order and cannot deadlock.
 */
export function keyOrder(ops: readonly TransactionOp[]): number[] {
  return ops.map((_, i) => i).sort((a, b) => compareKeys(ops[a]!.key, ops[b]!.key));
}

function describeExpected(expected: number | null): string {
  return expected === null ? 'no record' : `version ${expected}`;
}

/** The error for a failed version condition. */
export function versionConflict(key: string, expected: number | null, actual: number | undefined): ConflictError {
  const found = actual === undefined ? 'no record' : `version ${actual}`;
  return new ConflictError({ message: `[state] version conflict on "${key}": expected ${describeExpected(expected)}, found ${found}` });
}

/** The error for a write whose fencing token is no longer current. */
export function fencedWrite(guard: FencingGuard, currentToken: number | undefined): FencedError {
  const now = currentToken === undefined ? 'the lease does not exist' : `its current token is ${currentToken}`;
  return new FencedError({
    message: `[state] write refused: fencing token ${guard.token} of lease "${guard.lease}" is stale (${now})`,
    lease: guard.lease,
    token: guard.token,
    currentToken,
  });
}
