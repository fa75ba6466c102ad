/**
 * Exclusions: places a decision must keep out of — providers, regions or zones that failed
 * recently or that the caller has blocked. They are a small contract rather than one class so
 * that any source can supply them (the `BlockList` of recent failures, a host's own maintenance
 * windows) and several can be layered with `combineExclusions`.
 */

/** Things to keep out of a decision (failed or blocked places). */
export interface PlacementExclusions {
  /** True when the provider is blocked. */
  provider(name: string): string | undefined;
  /** Reason the region is blocked, if it is. */
  region(provider: string, region: string): string | undefined;
  /** Reason the zone is blocked, if it is. */
  zone(provider: string, region: string, zone: string): string | undefined;
  /** `false` when no region or zone is excluded at all, so per-region checks can be skipped. */
  mayExcludeRegions?(): boolean;
}

/** Excludes nothing: the default of a decision. */
export const NO_EXCLUSIONS: PlacementExclusions = { provider: () => undefined, region: () => undefined, zone: () => undefined, mayExcludeRegions: () => false };

/** Layers several exclusion sources: the first that names a reason wins. */
export function combineExclusions(...sources: PlacementExclusions[]): PlacementExclusions {
  return {
    provider: (name) => firstReason(sources, (s) => s.provider(name)),
    region: (provider, region) => firstReason(sources, (s) => s.region(provider, region)),
    zone: (provider, region, zone) => firstReason(sources, (s) => s.zone(provider, region, zone)),
    mayExcludeRegions: () => sources.some((s) => s.mayExcludeRegions?.() !== false),
  };
}

function firstReason(sources: PlacementExclusions[], read: (s: PlacementExclusions) => string | undefined): string | undefined {
  for (const s of sources) {
    const r = read(s);
    if (r !== undefined) return r;
  }
  return undefined;
}
