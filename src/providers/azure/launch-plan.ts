/**
 * Everything a create decides before it sends anything: the location and zone (checked against
 * the provider's locations and the zones Resource SKUs lists), the image (alias → Marketplace
 * image per architecture), the OS disk type, the VM size (the cheapest fitting size of the
 * configured families, through the shared offer selection, among the sizes offered in the zone),
 * and the subnet and NSG ids. Every refusal is an `InvalidSpecError` naming the spec field, so a
 * bad input creates nothing.
 */
import { InvalidSpecError, withProviderName } from '../../provider/errors.js';
import { requirementOf, selectOffer, specArchitectures } from '../../provider/offer-selection.js';
import { ARCHITECTURES, type Architecture, type HourlyPrice, type Offer, type VMSpec } from '../../provider/types.js';
import { aliasImageFor, isImageRefusal, resolveAzureImage, type MarketplaceImage, type ResolvedAzureImage } from './image-aliases.js';
import type { AzureCatalog, LocationCatalog, SizeFacts } from './offer-catalog.js';
import { isResourceId, resourceId, subnetId, type ResourceScope } from './resource-id.js';
import { needsPremiumStorage, storageAccountTypeOf, type OsDiskSource, type OsDiskStorageType } from './vm-mapping.js';

/** What the planner needs of the provider's configuration. */
export interface PlannerContext {
  /** Provider name, for errors. */
  readonly providerName: string;
  /** Subscription and resource group. */
  readonly scope: ResourceScope;
  /** Default location. */
  readonly location: string;
  /** Every location the provider places VMs in. */
  readonly locations: readonly string[];
  /** Size families selection may choose from (`Standard_D`, `Standard_B`, ...); all when absent. */
  readonly sizeFamilies: readonly string[] | undefined;
  /** Default virtual network name (or id). */
  readonly virtualNetwork: string | undefined;
  /** Default subnet name (or id). */
  readonly subnet: string | undefined;
  /** Default network security group name (or id). */
  readonly networkSecurityGroup: string | undefined;
}

/** A create's decisions. */
export interface LaunchPlan {
  /** Location. */
  readonly location: string;
  /** Zone, when the VM is zonal. */
  readonly zone: string | undefined;
  /** The chosen size. */
  readonly size: SizeFacts;
  /** The location's catalog. */
  readonly catalog: LocationCatalog;
  /** Where the OS disk comes from (`undefined` when planning an estimate or an import). */
  readonly source: Exclude<OsDiskSource, { kind: 'attach' }> | undefined;
  /** Operating system. */
  readonly os: 'linux' | 'windows';
  /** Managed-disk type of the OS disk. */
  readonly osDiskType: OsDiskStorageType;
  /** OS disk size, GiB: the spec's, raised to the image's own (Azure refuses a smaller one). */
  readonly osDiskGiB: number;
  /** What the size costs per hour (spot or pay-as-you-go), when priced. */
  readonly hourlyPrice: HourlyPrice | undefined;
  /** Subnet id. */
  readonly subnetId: string;
  /** NSG id, when one is attached. */
  readonly networkSecurityGroupId: string | undefined;
}

/** What is being planned. */
export interface PlanRequest {
  /** The spec. */
  readonly spec: VMSpec;
  /** The OS when the image does not say (an import: the artifact's). */
  readonly os?: 'linux' | 'windows' | undefined;
  /** Resolve the spec's image (`false` for estimates and imports). */
  readonly withImage: boolean;
  /** Cancels the catalog wait. */
  readonly signal?: AbortSignal | undefined;
}

/** Plans creates against one provider's catalog. */
export class LaunchPlanner {
  /** Keeps the context. */
  constructor(
    private readonly ctx: PlannerContext,
    private readonly catalog: AzureCatalog,
  ) {}

  private refuse(field: string, message: string): never {
    throw new InvalidSpecError({ provider: this.ctx.providerName, issues: [{ field, message }] });
  }

  /** Re-throws a mapping's InvalidSpecError with this provider's name on it. */
  named<T>(fn: () => T): T {
    return withProviderName(this.ctx.providerName, fn);
  }

  /** A location of this provider, or `InvalidSpecError` on `region`. */
  checkLocation(location: string): string {
    if (!this.ctx.locations.includes(location)) {
      this.refuse('region', `unknown Azure location "${location}" for this provider; its locations: ${this.ctx.locations.join(', ')}`);
    }
    return location;
  }

  /** Decides everything a create (or an estimate) needs. */
  async plan(request: PlanRequest): Promise<LaunchPlan> {
    const { spec, signal } = request;
    const location = this.checkLocation(spec.region ?? this.ctx.location);
    const osDiskType = this.named(() => storageAccountTypeOf(spec.disk.type));
    const image = request.withImage ? this.image(spec.image) : undefined;
    // An estimate prices the disk the create would make: the image's size when the alias is known.
    const known = image ?? (request.withImage ? undefined : knownImage(spec.image));
    const os = image?.os ?? request.os ?? 'linux';
    const catalog = await this.catalog.location(location, signal);
    const zone = this.zone(spec, catalog);
    const fixed = this.fixedSize(spec, catalog, zone);
    const archs = this.architectures(spec, image, fixed);
    const { offer, arch } = await this.chooseSize(spec, { catalog, zone, osDiskType, archs, image });
    const size = catalog.sizes.get(offer.instanceType)!;
    const amount = spec.spot ? offer.spotHourly : offer.onDemandHourly;
    return {
      location,
      zone,
      size,
      catalog,
      source: image ? sourceOf(image, spec.image, arch) : undefined,
      os,
      osDiskType,
      osDiskGiB: Math.max(spec.disk.sizeGiB, known?.minOsDiskGiB ?? 0),
      hourlyPrice: amount !== undefined && Number.isFinite(amount) ? { amount, currency: offer.currency, source: offer.source, asOf: offer.asOf } : undefined,
      ...this.network(spec),
    };
  }

  private image(image: string): ResolvedAzureImage {
    const resolved = resolveAzureImage(image);
    if (isImageRefusal(resolved)) this.refuse('image', resolved.refused);
    return resolved;
  }

  private zone(spec: VMSpec, catalog: LocationCatalog): string | undefined {
    if (spec.zone === undefined) return undefined;
    if (catalog.zones.length === 0) this.refuse('zone', `location ${catalog.location} has no availability zones; leave zone out`);
    if (!catalog.zones.includes(spec.zone)) this.refuse('zone', `unknown zone "${spec.zone}" in ${catalog.location}; zones: ${catalog.zones.join(', ')}`);
    return spec.zone;
  }

  /** The spec's fixed size, checked against the location and zone. */
  private fixedSize(spec: VMSpec, catalog: LocationCatalog, zone: string | undefined): SizeFacts | undefined {
    if (spec.instanceType === undefined) return undefined;
    const size = catalog.sizes.get(spec.instanceType);
    if (!size) {
      if (catalog.restricted.has(spec.instanceType)) this.refuse('instanceType', `${spec.instanceType} is not available in ${catalog.location} for this subscription (Resource SKUs restricts it)`);
      this.refuse('instanceType', `unknown VM size "${spec.instanceType}" in ${catalog.location}`);
    }
    if (zone !== undefined && !size.zones.includes(zone)) {
      this.refuse('zone', `${size.name} is not offered in zone ${zone} of ${catalog.location}${size.zones.length > 0 ? `; it is offered in zones ${size.zones.join(', ')}` : ' (it has no zonal deployments there)'}`);
    }
    return size;
  }

  /**
   * The architectures a create may use: the spec's (or the default), narrowed to those the image
   * alias has a build for; a fixed size's own must be among them.
   */
  private architectures(spec: VMSpec, image: ResolvedAzureImage | undefined, fixed: SizeFacts | undefined): Architecture[] {
    const allowed = [...(specArchitectures(spec) ?? ARCHITECTURES)];
    const withBuild = image?.architectures ? allowed.filter((a) => image.architectures!.includes(a)) : allowed;
    if (withBuild.length === 0) this.refuse('image', `"${spec.image}" has no Azure image for ${allowed.join(' or ')}`);
    if (fixed && !withBuild.includes(fixed.arch)) {
      const why = spec.arch && !spec.arch.includes(fixed.arch) ? `arch allows only ${spec.arch.join(', ')}` : `image "${spec.image}" has no ${fixed.arch} build on Azure`;
      this.refuse(spec.arch && !spec.arch.includes(fixed.arch) ? 'arch' : 'image', `VM size ${fixed.name} is ${fixed.arch}, but ${why}`);
    }
    return withBuild;
  }

  private async chooseSize(
    spec: VMSpec,
    at: { catalog: LocationCatalog; zone: string | undefined; osDiskType: OsDiskStorageType; archs: Architecture[]; image: ResolvedAzureImage | undefined },
  ): Promise<{ offer: Offer; arch: Architecture }> {
    const { catalog, zone, osDiskType, archs } = at;
    // Sizes without any price stay choosable (by name, or by size when nothing priced fits).
    const all = [...(await this.catalog.offers(catalog.location)), ...(spec.spot ? [] : await this.catalog.unpricedOffers(catalog.location))];
    const usable = all.filter((o) => {
      const size = catalog.sizes.get(o.instanceType);
      if (!size) return false;
      // A zonal VM needs an offer of that zone; a regional one takes any deployable size.
      if (zone !== undefined ? o.zone !== zone : false) return false;
      if (needsPremiumStorage(osDiskType) && !size.premiumIO) return false;
      return !spec.spot || size.spotCapable;
    });
    const families = spec.instanceType === undefined ? this.ctx.sizeFamilies : undefined;
    const requirement = requirementOf({ ...spec, zone: undefined }, catalog.location, families);
    const chosen = selectOffer(usable, { ...requirement, arch: archs });
    if (chosen) return { offer: chosen, arch: chosen.arch };
    const otherArch = spec.instanceType === undefined ? selectOffer(usable, { ...requirement, arch: undefined }) : undefined;
    if (otherArch) {
      this.refuse('arch', `only ${otherArch.arch} VM sizes fit ${spec.cpu} vCPU / ${spec.memoryGiB} GiB in ${catalog.location}${zone ? ` zone ${zone}` : ''}, but ${spec.arch ? `arch allows only ${archs.join(', ')}` : `the default is ${archs.join(', ')}`}`);
    }
    const field = spec.instanceType !== undefined ? 'instanceType' : spec.gpu ? 'gpu' : 'cpu';
    const gpu = spec.gpu ? ` / ${spec.gpu.exact ? 'exactly ' : ''}${spec.gpu.count}× ${spec.gpu.type ?? 'GPU'}` : '';
    const what = spec.instanceType ?? `${spec.cpu} vCPU / ${spec.memoryGiB} GiB${gpu} (${archs.join(' or ')})`;
    const extra = [needsPremiumStorage(osDiskType) ? 'with premium storage' : '', spec.spot ? 'that runs as Spot' : ''].filter(Boolean).join(' and ');
    this.refuse(field, `no VM size${families ? ` in families ${families.join(', ')}` : ''}${extra ? ` ${extra}` : ''} fits ${what} in ${catalog.location}${zone ? ` zone ${zone}` : ''}`);
  }

  /** Subnet and NSG ids from the spec, else the provider defaults. */
  private network(spec: VMSpec): { subnetId: string; networkSecurityGroupId: string | undefined } {
    const subnet = spec.network.subnet ?? this.ctx.subnet;
    if (subnet === undefined) this.refuse('network.subnet', 'no subnet: give network.subnet, or defaults.subnet to the provider');
    let id: string;
    if (isResourceId(subnet)) id = subnet;
    else {
      const vnet = spec.network.network ?? this.ctx.virtualNetwork;
      if (vnet === undefined) this.refuse('network.network', `subnet "${subnet}" is a name: give network.network (or defaults.virtualNetwork) for its virtual network, or a subnet id`);
      id = isResourceId(vnet) ? `${vnet}/subnets/${subnet}` : subnetId(this.ctx.scope, vnet, subnet);
    }
    const groups = spec.network.securityGroups.length > 0 ? spec.network.securityGroups : this.ctx.networkSecurityGroup !== undefined ? [this.ctx.networkSecurityGroup] : [];
    if (groups.length > 1) this.refuse('network.securityGroups', 'Azure attaches one network security group to a network interface; name one');
    const nsg = groups[0];
    return { subnetId: id, networkSecurityGroupId: nsg === undefined ? undefined : isResourceId(nsg) ? nsg : resourceId(this.ctx.scope, 'Microsoft.Network/networkSecurityGroups', nsg) };
  }
}

/** An image's facts when it resolves, `undefined` otherwise (for estimates, which need no image). */
function knownImage(image: string): ResolvedAzureImage | undefined {
  const resolved = resolveAzureImage(image);
  return isImageRefusal(resolved) ? undefined : resolved;
}

/** The OS disk source of an image for the chosen architecture. */
function sourceOf(image: ResolvedAzureImage, alias: string, arch: Architecture): Exclude<OsDiskSource, { kind: 'attach' }> {
  if (image.kind === 'image-id') return { kind: 'image-id', id: image.id };
  const forArch: MarketplaceImage | undefined = aliasImageFor(alias, arch);
  return { kind: 'marketplace', image: forArch ?? image.image };
}
