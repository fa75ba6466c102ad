/**
 * The ordered key index of the memory store. Inserting into a sorted array one key at a time
 * costs O(n) per new key (seconds for 100k random keys), so new keys wait in a side buffer and
 * are merged in one pass when someone next reads in order; deleted keys are skipped on reads
 * and swept out at the next merge.
 */
import { compareKeys } from './key-path.js';

/** A set of keys that can be read in key order, a page at a time. */
export class SortedKeySet {
  #sorted: string[] = [];
  #pending: string[] = [];
  readonly #members = new Set<string>();
  #removed = 0;

  /** Adds a key (no-op when present). */
  add(key: string): void {
    if (this.#members.has(key)) return;
    this.#members.add(key);
    this.#pending.push(key);
  }

  /** Removes a key (no-op when absent). */
  delete(key: string): void {
    if (this.#members.delete(key)) this.#removed++;
  }

  /**
   * Up to `limit` keys in order, starting at `from` (inclusive, or exclusive when `after`),
   * stopping before `upper` when given.
   */
  page(from: string, after: boolean, upper: string | undefined, limit: number): string[] {
    this.#settle();
    const sorted = this.#sorted;
    let i = this.#lowerBound(from);
    if (after && sorted[i] === from) i++;
    const out: string[] = [];
    for (; i < sorted.length && out.length < limit; i++) {
      const key = sorted[i]!;
      if (upper !== undefined && compareKeys(key, upper) >= 0) break;
      if (this.#members.has(key)) out.push(key);
    }
    return out;
  }

  #lowerBound(key: string): number {
    let lo = 0;
    let hi = this.#sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareKeys(this.#sorted[mid]!, key) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  #settle(): void {
    if (this.#pending.length === 0) {
      if (this.#removed > 1024 && this.#removed * 2 > this.#sorted.length) {
        this.#sorted = this.#sorted.filter((k) => this.#members.has(k));
        this.#removed = 0;
      }
      return;
    }
    const pending = this.#pending.sort(compareKeys);
    const old = this.#sorted;
    const merged: string[] = [];
    let i = 0;
    let j = 0;
    // A key deleted and re-added sits in both arrays: keep one copy, and only of live keys.
    const push = (key: string): void => {
      if (this.#members.has(key) && merged[merged.length - 1] !== key) merged.push(key);
    };
    while (i < old.length && j < pending.length) {
      if (compareKeys(old[i]!, pending[j]!) <= 0) push(old[i++]!);
      else push(pending[j++]!);
    }
    while (i < old.length) push(old[i++]!);
    while (j < pending.length) push(pending[j++]!);
    this.#sorted = merged;
    this.#pending = [];
    this.#removed = 0;
  }
}
