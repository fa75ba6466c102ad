/**
 * Places that recently refused a create: a zone out of capacity, a region out of quota, a
 * provider whose credentials failed. Entries expire, so a zone that had no room ten minutes
 * ago is tried again.
 */
import type { PlacementExclusions } from './exclusions.js';

/** What a block covers. */
export type BlockScope = 'provider' | 'region' | 'zone';

/** Blocks with expiry, keyed by provider, provider/region or provider/region/zone. */
export class BlockList implements PlacementExclusions {
  private readonly entries = new Map<string, { until: number; reason: string }>();

  /** Creates a block list whose entries last `ttlMs`. */
  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Blocks a provider, region or zone. */
  block(scope: BlockScope, provider: string, region: string | undefined, zone: string | undefined, reason: string): void {
    const key = scope === 'provider' ? provider : scope === 'region' ? `${provider}|${region}` : `${provider}|${region}|${zone}`;
    this.entries.set(key, { until: this.now() + this.ttlMs, reason });
  }

  private lookup(key: string): string | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.until <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return `blocked after a recent failure: ${entry.reason}`;
  }

  /** Reason the provider is blocked, if it is. */
  provider(name: string): string | undefined {
    return this.entries.size === 0 ? undefined : this.lookup(name);
  }

  /** Reason the region is blocked, if it is. */
  region(provider: string, region: string): string | undefined {
    return this.entries.size === 0 ? undefined : this.lookup(`${provider}|${region}`);
  }

  /** Reason the zone is blocked, if it is. */
  zone(provider: string, region: string, zone: string): string | undefined {
    return this.entries.size === 0 ? undefined : this.lookup(`${provider}|${region}|${zone}`);
  }

  /** False when nothing at all is blocked. */
  mayExcludeRegions(): boolean {
    return this.entries.size > 0;
  }

  /** Forgets every block. */
  clear(): void {
    this.entries.clear();
  }
}
