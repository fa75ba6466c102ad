/**
 * A create's decisions, made before anything is sent: the flavor (the cheapest by the rate card
 * that fits cpu, memory, GPUs and architecture, through the shared `selectOffer`; without a rate
 * card the smallest that fits), the Glance image of the flavor's architecture, the boot disk
 * (from a volume when the spec asks for more disk than the flavor has, or the flavor has none),
 * the availability zone and the port's network and security groups. A refusal is an
 * `InvalidSpecError` naming the spec field, so bad input creates nothing.
 *
 * The architecture follows the image: an alias keeps the spec's architectures (x86 by default)
 * that the cloud has an image for; a native image's `architecture` property decides when the spec
 * names none, and must be allowed when it names some.
 */
import { InvalidSpecError } from '../../provider/errors.js';
import { requirementOf, selectOffer, specArchitectures } from '../../provider/offer-selection.js';
import { ARCHITECTURES, type Architecture, type HourlyPrice, type Offer, type VMSpec } from '../../provider/types.js';
import type { GlanceImages, ResolvedImage } from './glance-images.js';
import type { NeutronResources, PortPlan } from './neutron-resources.js';
import type { FlavorCatalog, OpenStackCatalog, PricedFlavor } from './offer-catalog.js';
import type { GlanceImage } from './wire-types.js';

/** What the planner needs of the provider's configuration. */
export interface PlannerContext {
  /** Provider name, for errors. */
  readonly providerName: string;
  /** The provider's region. */
  readonly region: string;
  /** Default availability zone. */
  readonly availabilityZone: string | undefined;
}

/** A create's decisions. */
export interface LaunchPlan {
  /** Region. */
  readonly region: string;
  /** Availability zone, when one is asked for. */
  readonly zone: string | undefined;
  /** The flavor. */
  readonly flavor: PricedFlavor;
  /** The catalog it came from. */
  readonly catalog: FlavorCatalog;
  /** The image to boot (`undefined` for estimates and imports). */
  readonly image: GlanceImage | undefined;
  /** Operating system. */
  readonly os: 'linux' | 'windows';
  /** Boot disk size, GiB: the spec's, raised to the image's minimum. */
  readonly diskGiB: number;
  /** Boot from a volume of `diskGiB` (the flavor's disk is smaller, or zero). */
  readonly bootFromVolume: boolean;
  /** The flavor's hourly price, when the card prices it. */
  readonly hourlyPrice: HourlyPrice | undefined;
  /** Where the port goes (`undefined` for estimates). */
  readonly port: PortPlan | undefined;
}

/** What is planned. */
export interface PlanRequest {
  /** The spec. */
  readonly spec: VMSpec;
  /** Resolve the image and the network (`false` for estimates). */
  readonly forCreate: boolean;
  /** The image to boot instead of the spec's (an import). */
  readonly image?: GlanceImage | undefined;
  /** Cancels the waits. */
  readonly signal?: AbortSignal | undefined;
}

/** Plans creates against one provider's catalog. */
export class LaunchPlanner {
  /** Keeps the parts. */
  constructor(
    private readonly ctx: PlannerContext,
    private readonly catalog: OpenStackCatalog,
    private readonly images: GlanceImages,
    private readonly neutron: NeutronResources,
  ) {}

  private refuse(field: string, message: string): never {
    throw new InvalidSpecError({ provider: this.ctx.providerName, issues: [{ field, message }] });
  }

  /** The region, or `InvalidSpecError` on `region` for another one. */
  checkRegion(region: string | undefined): string {
    if (region !== undefined && region !== this.ctx.region) this.refuse('region', `unknown region "${region}" for this provider; its region: ${this.ctx.region}`);
    return this.ctx.region;
  }

  /** Decides everything a create (or an estimate) needs. */
  async plan(request: PlanRequest): Promise<LaunchPlan> {
    const { spec, signal } = request;
    const region = this.checkRegion(spec.region);
    const resolved: ResolvedImage | undefined = request.image
      ? { byArch: new Map([[archOf(request.image), request.image]]), os: 'linux', native: true }
      : request.forCreate
        ? await this.images.resolve(spec.image, signal)
        : undefined;
    const catalog = await this.catalog.flavors(signal);
    if (spec.zone !== undefined) {
      const zones = await this.catalog.zones(signal);
      if (zones.length > 0 && !zones.includes(spec.zone)) this.refuse('zone', `unknown availability zone "${spec.zone}"; zones: ${zones.join(', ')}`);
    }
    const archs = this.architectures(spec, resolved);
    const flavor = this.chooseFlavor(spec, catalog, archs);
    const image = resolved?.byArch.get(flavor.offer.arch);
    if (resolved && !image) this.refuse('image', `"${spec.image}" has no ${flavor.offer.arch} image in Glance`);
    const imageMinGiB = image ? Math.max(image.min_disk ?? 0, Math.ceil((image.size ?? 0) / 1024 ** 3)) : 0;
    const diskGiB = Math.max(Math.ceil(spec.disk.sizeGiB), imageMinGiB);
    const flavorDisk = flavor.flavor.disk;
    const port = request.forCreate
      ? await this.neutron.plan({ network: spec.network.network, subnet: spec.network.subnet, securityGroups: spec.network.securityGroups, publicIp: spec.network.publicIp }, signal)
      : undefined;
    const offer = flavor.offer;
    return {
      region,
      zone: spec.zone ?? this.ctx.availabilityZone,
      flavor,
      catalog,
      image,
      os: resolved?.os ?? 'linux',
      diskGiB,
      bootFromVolume: flavorDisk === 0 || diskGiB > flavorDisk,
      hourlyPrice: flavor.priced ? { amount: offer.onDemandHourly, currency: offer.currency, source: offer.source, asOf: offer.asOf } : undefined,
      port,
    };
  }

  private architectures(spec: VMSpec, image: ResolvedImage | undefined): Architecture[] {
    const builds = image ? [...image.byArch.keys()] : undefined;
    if (image?.native && spec.arch === undefined) return builds!;
    const allowed = [...(specArchitectures(spec) ?? ARCHITECTURES)];
    const withBuild = builds ? allowed.filter((a) => builds.includes(a)) : allowed;
    if (withBuild.length === 0) {
      if (image?.native) this.refuse('arch', `image "${spec.image}" is ${builds!.join(', ')}, but arch allows only ${allowed.join(', ')}`);
      this.refuse('image', `"${spec.image}" has no ${allowed.join(' or ')} image in Glance (it has ${builds!.join(', ')})`);
    }
    return withBuild;
  }

  private chooseFlavor(spec: VMSpec, catalog: FlavorCatalog, archs: Architecture[]): PricedFlavor {
    if (spec.spot) this.refuse('spot', 'OpenStack has no spot capacity');
    const requirement = { ...requirementOf({ ...spec, zone: undefined }, this.ctx.region), arch: archs };
    if (spec.instanceType !== undefined) {
      const named = catalog.byName.get(spec.instanceType);
      if (!named) this.refuse('instanceType', `unknown flavor "${spec.instanceType}"; flavors: ${[...catalog.byName.keys()].join(', ')}`);
      if (!archs.includes(named.offer.arch)) this.refuse('arch', `flavor ${named.offer.instanceType} is ${named.offer.arch}, but only ${archs.join(', ')} is allowed`);
      return named;
    }
    const chosen = selectOffer(catalog.offers, requirement);
    if (chosen) return catalog.byName.get(chosen.instanceType)!;
    this.explainNoFit(spec, catalog.offers, requirement, archs);
  }

  private explainNoFit(spec: VMSpec, offers: readonly Offer[], requirement: ReturnType<typeof requirementOf>, archs: Architecture[]): never {
    if (spec.gpu) this.refuse('gpu', `no flavor with ${spec.gpu.exact ? 'exactly ' : ''}${spec.gpu.count}× ${spec.gpu.type ?? 'GPU'} fits ${spec.cpu} vCPU / ${spec.memoryGiB} GiB${offers.some((o) => o.gpu) ? '' : ' (no flavor passes GPUs through)'}`);
    const otherArch = selectOffer(offers, { ...requirement, arch: undefined });
    if (otherArch) this.refuse('arch', `only ${otherArch.arch} flavors fit ${spec.cpu} vCPU / ${spec.memoryGiB} GiB, but ${spec.arch ? `arch allows only ${archs.join(', ')}` : `the default is ${archs.join(', ')}`}`);
    this.refuse('cpu', `no flavor fits ${spec.cpu} vCPU / ${spec.memoryGiB} GiB (${archs.join(' or ')}); the largest has ${Math.max(0, ...offers.map((o) => o.vcpus))} vCPU`);
  }
}

function archOf(image: GlanceImage): Architecture {
  return image.architecture === 'aarch64' || image.architecture === 'arm64' ? 'arm64' : 'x86_64';
}
