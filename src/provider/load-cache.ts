/**
 * What an adapter's catalog keeps of its slow reads (regions, sizes, prices): one shared load per
 * key while it runs, its result for a time-to-live, and nothing of a load that failed, so that the
 * next caller tries again instead of meeting the same error until the entry expires.
 */

interface Entry {
  readonly value: Promise<unknown>;
  readonly expiresAt: number;
}

/** Loads shared per key and kept for a TTL; failed loads are forgotten at once. */
export class LoadCache {
  private readonly entries = new Map<string, Entry>();

  /** A cache whose entries live `ttlMs` by `now` (epoch ms). */
  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** The value of `key`: the fresh one kept, the load in flight, or a new `load()` (kept `ttlMs`, or this call's own TTL). */
  get<T>(key: string, load: () => Promise<T>, ttlMs: number = this.ttlMs): Promise<T> {
    const hit = this.entries.get(key);
    if (hit && hit.expiresAt > this.now()) return hit.value as Promise<T>;
    const value = load();
    this.entries.set(key, { value, expiresAt: this.now() + ttlMs });
    value.catch(() => {
      if (this.entries.get(key)?.value === value) this.entries.delete(key);
    });
    return value;
  }

  /** The value of `key` if it is loaded (or loading) and fresh, without loading it; `undefined` when the load fails. */
  async peek<T>(key: string): Promise<T | undefined> {
    const hit = this.entries.get(key);
    if (!hit || hit.expiresAt <= this.now()) return undefined;
    return (hit.value as Promise<T>).catch(() => undefined);
  }
}
