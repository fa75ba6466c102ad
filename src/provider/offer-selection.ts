/**
 * Portable instance-type selection, shared by every adapter: the cheapest offer that fits a
 * spec in a region. Adapters never write their own.
 */
import { createHash } from 'node:crypto';
import { findPortableImage } from './images.js';
import { DEFAULT_ARCHITECTURES, type Architecture, type GpuRequest, type Offer, type VMSpec } from './types.js';

/** What an offer must satisfy. */
export interface OfferRequirement {
  /** Minimum vCPUs. */
  readonly cpu: number;
  /** Minimum memory in GiB. */
  readonly memoryGiB: number;
  /** GPUs required: at least `count` (exactly, with `exact`), of `type` when given; none when absent. */
  readonly gpu?: GpuRequest | undefined;
  /** Architectures allowed; any architecture when absent ({@link requirementOf} fills in a spec's default). */
  readonly arch?: readonly Architecture[] | undefined;
  /** Priced at spot. */
  readonly spot?: boolean | undefined;
  /** Region the offer must be in. */
  readonly region?: string | undefined;
  /** Zone, for zone-priced offers (region-wide offers match any zone of their region). */
  readonly zone?: string | undefined;
  /** Allowed instance families (prefix before the first `.` or size suffix), when restricted. */
  readonly families?: readonly string[] | undefined;
  /** Exact instance type. */
  readonly instanceType?: string | undefined;
}

/** The family of an instance type: `m5` of `m5.large`, `Standard_D` of `Standard_D4s_v5`, `n2` of `n2-standard-4`. */
export function instanceFamily(instanceType: string): string {
  const dot = instanceType.indexOf('.');
  if (dot > 0) return instanceType.slice(0, dot);
  const dash = instanceType.indexOf('-');
  if (dash > 0) return instanceType.slice(0, dash);
  const azure = /^(Standard_[A-Z]+)/.exec(instanceType);
  return azure ? azure[1]! : instanceType;
}

/** The price an offer is chosen by: spot when asked and sold, on-demand otherwise. */
export function offerPrice(offer: Offer, spot: boolean | undefined): number | undefined {
  if (spot) return offer.spotHourly;
  return offer.onDemandHourly;
}

/** True when `offer` satisfies `req`. */
export function offerFits(offer: Offer, req: OfferRequirement): boolean {
  if (req.region !== undefined && offer.region !== req.region) return false;
  if (req.zone !== undefined && offer.zone !== undefined && offer.zone !== req.zone) return false;
  if (req.arch !== undefined && !req.arch.includes(offer.arch)) return false;
  if (req.instanceType !== undefined) return offer.instanceType === req.instanceType && offerPrice(offer, req.spot) !== undefined;
  if (offer.vcpus < req.cpu || offer.memoryGiB < req.memoryGiB) return false;
  if (req.gpu) {
    if (!offer.gpu || offer.gpu.count < req.gpu.count || (req.gpu.exact && offer.gpu.count !== req.gpu.count)) return false;
    if (req.gpu.type && offer.gpu.model !== req.gpu.type) return false;
  } else if (offer.gpu) {
    return false; // never pay for GPUs nobody asked for
  }
  if (req.families && req.families.length > 0 && !req.families.includes(instanceFamily(offer.instanceType))) return false;
  return offerPrice(offer, req.spot) !== undefined;
}

/** The cheapest fitting offer (ties: fewer vCPUs, then less memory, then name), or `undefined`. */
export function selectOffer(offers: Iterable<Offer>, req: OfferRequirement): Offer | undefined {
  let best: Offer | undefined;
  let bestPrice = Infinity;
  for (const offer of offers) {
    if (!offerFits(offer, req)) continue;
    const price = offerPrice(offer, req.spot)!;
    if (
      best === undefined ||
      price < bestPrice ||
      (price === bestPrice &&
        (offer.vcpus < best.vcpus ||
          (offer.vcpus === best.vcpus && (offer.memoryGiB < best.memoryGiB || (offer.memoryGiB === best.memoryGiB && offer.instanceType < best.instanceType)))))
    ) {
      best = offer;
      bestPrice = price;
    }
  }
  return best;
}

/**
 * The architectures a spec allows: its `arch`; when it names none, any architecture if it fixes
 * an instance type (the type decides), else {@link DEFAULT_ARCHITECTURES}. An adapter that knows
 * a native image's architecture decides an omitted `arch` from the image instead.
 */
export function specArchitectures(spec: Pick<VMSpec, 'arch' | 'instanceType'>): readonly Architecture[] | undefined {
  if (spec.arch !== undefined) return spec.arch;
  return spec.instanceType !== undefined ? undefined : DEFAULT_ARCHITECTURES;
}

/** The requirement a spec places on offers (its architectures included, the default when it names none). */
export function requirementOf(spec: VMSpec, region: string | undefined, families?: readonly string[]): OfferRequirement {
  return {
    cpu: spec.cpu,
    memoryGiB: spec.memoryGiB,
    gpu: spec.gpu,
    arch: specArchitectures(spec),
    spot: spec.spot,
    region: region ?? spec.region,
    zone: spec.zone,
    families,
    instanceType: spec.instanceType,
  };
}

/**
 * A stable fingerprint of a spec, the same in every process: the idempotency check that tells
 * a repeated request (same key, same fingerprint) from a conflicting one.
 *
 * With a portable image alias an omitted `arch` and the explicit default (`['x86_64']`) mean
 * the same and fingerprint alike (as specs from before `arch` existed). With a native image
 * they differ: an omitted `arch` follows the image, an explicit one must match it.
 */
export function specFingerprint(spec: VMSpec): string {
  const sameAsOmitted = spec.arch !== undefined && findPortableImage(spec.image) !== undefined && sameArchitectures(spec.arch, DEFAULT_ARCHITECTURES);
  return createHash('sha256')
    .update(canonicalJson(sameAsOmitted ? { ...spec, arch: undefined } : spec))
    .digest('hex')
    .slice(0, 32);
}

function sameArchitectures(a: readonly Architecture[], b: readonly Architecture[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x));
}

/** JSON with object keys sorted and `undefined` dropped, so equal values give equal text. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v)).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}
