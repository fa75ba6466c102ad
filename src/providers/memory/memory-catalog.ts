/**
 * What an in-memory provider sells: its regions and priced offers, loaded once, and the two
 * questions a create asks of them — which region a spec means, and which offer fits it.
 */
import { InvalidSpecError } from '../../provider/errors.js';
import { requirementOf, selectOffer } from '../../provider/offer-selection.js';
import type { Offer, ProviderKind, Region, VMSpec } from '../../provider/types.js';
import { DEFAULT_MEMORY_REGIONS, syntheticOffers } from './memory-rate-card.js';

/** Regions and offers of one in-memory provider. */
export interface MemoryCatalog {
  readonly regions: readonly Region[];
  readonly offers: readonly Offer[];
}

/** Where a catalog comes from: given offers, the bundled snapshot of a cloud, or the synthetic rate card. */
export interface MemoryCatalogSource {
  readonly kind: ProviderKind;
  readonly regions?: readonly (string | Region)[] | undefined;
  readonly offers?: readonly Offer[] | undefined;
}

const BUNDLED_KINDS = new Set(['aws', 'azure', 'gcp']);

/** Loads the catalog of a provider (see {@link MemoryCatalogSource} for the order). */
export async function loadMemoryCatalog(source: MemoryCatalogSource): Promise<MemoryCatalog> {
  if (source.offers) {
    const regions = source.regions?.map((r) => normalizeRegion(r)) ?? regionsOfOffers(source.offers);
    return { regions, offers: [...source.offers] };
  }
  if (BUNDLED_KINDS.has(source.kind)) {
    // The list-price snapshot is loaded only when a provider needs it, to keep the root import light.
    const snapshot = await import('../../catalog/bundled-snapshot.js');
    const known = snapshot.bundledRegions(source.kind).map((r) => ({ ...r, zones: [...r.zones] }));
    const regions = source.regions?.map((r) => normalizeRegion(r, known)) ?? known;
    const offers = snapshot.bundledOffers({ provider: source.kind, regions: regions.map((r) => r.name) });
    return { regions, offers };
  }
  const regions = source.regions?.map((r) => normalizeRegion(r)) ?? DEFAULT_MEMORY_REGIONS.map((r) => ({ ...r, zones: [...r.zones] }));
  return { regions, offers: syntheticOffers(source.kind, regions) };
}

/** The region named `name`; `InvalidSpecError` on `region` when the provider has none of that name. */
export function knownRegion(catalog: MemoryCatalog, name: string, provider: string): Region {
  const region = catalog.regions.find((r) => r.name === name);
  if (region) return region;
  throw new InvalidSpecError({ provider, issues: [{ field: 'region', message: `unknown region "${name}"; this provider has ${catalog.regions.map((r) => r.name).join(', ')}` }] });
}

/** The region a spec asks for (the first one when it names none); `InvalidSpecError` on an unknown region or zone. */
export function regionOf(catalog: MemoryCatalog, spec: VMSpec, provider: string): Region {
  const region = knownRegion(catalog, spec.region ?? catalog.regions[0]?.name ?? '', provider);
  if (spec.zone !== undefined && region.zones.length > 0 && !region.zones.includes(spec.zone)) {
    throw new InvalidSpecError({
      provider,
      issues: [{ field: 'zone', message: `unknown zone "${spec.zone}" in ${region.name}; zones: ${region.zones.join(', ')}` }],
    });
  }
  return region;
}

/** The cheapest offer in `region` that fits `spec`; `InvalidSpecError` naming the field no offer meets. */
export function offerFor(catalog: MemoryCatalog, spec: VMSpec, region: Region, provider: string): Offer {
  const requirement = requirementOf(spec, region.name);
  const offer = selectOffer(catalog.offers, requirement);
  if (offer) return offer;
  const archs = requirement.arch;
  // When only the architecture stands in the way, say so: that is the field to change.
  const otherArch = archs !== undefined && selectOffer(catalog.offers, { ...requirement, arch: undefined });
  if (otherArch && archs) {
    const what = spec.instanceType ? `instance type "${spec.instanceType}" is ${otherArch.arch}` : `only ${otherArch.arch} instance types fit in ${region.name}`;
    throw new InvalidSpecError({ provider, issues: [{ field: 'arch', message: `${what}, but arch allows only ${archs.join(', ')}${spec.arch ? '' : ' (the default)'}` }] });
  }
  const field = spec.instanceType ? 'instanceType' : spec.gpu ? 'gpu' : 'cpu';
  const gpu = spec.gpu ? ` / ${spec.gpu.exact ? 'exactly ' : ''}${spec.gpu.count}× ${spec.gpu.type ?? 'any'} GPU` : '';
  const wanted = spec.instanceType
    ? `instance type "${spec.instanceType}"${spec.spot ? ' at spot' : ''}`
    : `${spec.cpu} vCPU / ${spec.memoryGiB} GiB${gpu}${spec.spot ? ' at spot' : ''}`;
  throw new InvalidSpecError({ provider, issues: [{ field, message: `no instance type in ${region.name} offers ${wanted}` }] });
}

/** A region given by name takes its zones from the snapshot when it knows the region, else gets `a`–`c`. */
function normalizeRegion(region: string | Region, known: readonly Region[] = []): Region {
  if (typeof region !== 'string') return region;
  return known.find((r) => r.name === region) ?? { name: region, zones: ['a', 'b', 'c'].map((z) => `${region}${z}`) };
}

function regionsOfOffers(offers: readonly Offer[]): Region[] {
  const zones = new Map<string, Set<string>>();
  for (const o of offers) {
    const set = zones.get(o.region) ?? new Set<string>();
    if (o.zone) set.add(o.zone);
    zones.set(o.region, set);
  }
  return [...zones].map(([name, z]) => ({ name, zones: z.size > 0 ? [...z].sort() : [`${name}a`, `${name}b`] }));
}
