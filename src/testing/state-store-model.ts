/**
 * A reference model of the StateStore record semantics, and a seeded generator of random
 * operations, so the conformance suite can check that a store agrees with the model on long
 * random sequences rather than on hand-picked cases only.
 */
import type { TransactionOp } from '../state/state-store.js';
import { seededRandom } from './seeded-random.js';
export { seededRandom };

/** One record of the model. */
export interface ModelRecord {
  /** The value. */
  readonly value: unknown;
  /** The version. */
  readonly version: number;
}

/** A random single operation or transaction. */
export type ModelOperation =
  | { readonly kind: 'put'; readonly key: string; readonly value: unknown; readonly expectedVersion: number | null | undefined }
  | { readonly kind: 'delete'; readonly key: string; readonly expectedVersion: number | undefined }
  | { readonly kind: 'transaction'; readonly ops: readonly TransactionOp[] };

/** What an operation did: its result, or that it was refused for a version conflict. */
export type ModelOutcome = { readonly ok: true; readonly result: unknown } | { readonly ok: false };


/** The StateStore's record semantics over a Map. */
export class StateStoreModel {
  /** Records by key. */
  readonly records = new Map<string, ModelRecord>();

  #conflicts(key: string, expected: number | null | undefined): boolean {
    const current = this.records.get(key)?.version;
    if (expected === null) return current !== undefined;
    if (typeof expected === 'number') return current !== expected;
    return false;
  }

  /** Applies an operation as a conforming store must, returning its outcome. */
  apply(op: ModelOperation): ModelOutcome {
    if (op.kind === 'put') {
      if (this.#conflicts(op.key, op.expectedVersion)) return { ok: false };
      const version = (this.records.get(op.key)?.version ?? 0) + 1;
      this.records.set(op.key, { value: op.value, version });
      return { ok: true, result: version };
    }
    if (op.kind === 'delete') {
      if (op.expectedVersion !== undefined && this.#conflicts(op.key, op.expectedVersion)) return { ok: false };
      return { ok: true, result: this.records.delete(op.key) };
    }
    if (op.ops.some((o) => o.expectedVersion !== undefined && this.#conflicts(o.key, o.expectedVersion))) return { ok: false };
    return {
      ok: true,
      result: op.ops.map((o) => {
        if (o.type === 'delete') {
          this.records.delete(o.key);
          return { key: o.key, version: null };
        }
        if (o.type === 'check') return { key: o.key, version: o.expectedVersion };
        const version = (this.records.get(o.key)?.version ?? 0) + 1;
        this.records.set(o.key, { value: o.value, version });
        return { key: o.key, version };
      }),
    };
  }

  /** A random operation over `keys`, with conditions that hold about half the time. */
  randomOperation(random: () => number, keys: readonly string[]): ModelOperation {
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
    const expected = (key: string, allowNull: boolean): number | null | undefined => {
      const current = this.records.get(key)?.version;
      const roll = random();
      if (roll < 0.25) return undefined;
      if (roll < 0.6) return current ?? (allowNull ? null : 1);
      if (roll < 0.8 && allowNull) return null;
      return (current ?? 0) + 1 + Math.floor(random() * 2);
    };
    const value = (): unknown => pick([null, 1, 'text', { n: Math.floor(random() * 100) }, [true, { nested: 'x' }]]);
    const roll = random();
    if (roll < 0.45) {
      const key = pick(keys);
      return { kind: 'put', key, value: value(), expectedVersion: expected(key, true) };
    }
    if (roll < 0.65) {
      const key = pick(keys);
      return { kind: 'delete', key, expectedVersion: expected(key, false) ?? undefined };
    }
    const chosen = [...keys].sort(() => random() - 0.5).slice(0, 1 + Math.floor(random() * 3));
    return {
      kind: 'transaction',
      ops: chosen.map((key): TransactionOp => {
        const r = random();
        if (r < 0.6) return { type: 'put', key, value: value(), expectedVersion: expected(key, true) };
        if (r < 0.85) return { type: 'delete', key, expectedVersion: expected(key, false) ?? undefined };
        return { type: 'check', key, expectedVersion: this.records.get(key)?.version ?? 1 };
      }),
    };
  }
}
