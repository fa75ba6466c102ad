/**
 * Everything a create decides before it sends anything: the region and zone (checked against the
 * provider's zones), the image (alias → image family per architecture), the machine type (the
 * cheapest fitting predefined type of the configured families through the shared offer selection,
 * or a custom machine type where that is cheaper and the family allows one), attached GPUs (N1),
 * the boot disk type (Hyperdisk on the families that need it), and the network and subnetwork
 * paths. Every refusal is an `InvalidSpecError` naming the spec field, so bad input creates nothing.
 */
import { InvalidSpecError, withProviderName } from '../../provider/errors.js';
import { requirementOf, selectOffer, specArchitectures } from '../../provider/offer-selection.js';
import { ARCHITECTURES, type Architecture, type GpuInfo, type HourlyPrice, type Offer, type VMSpec } from '../../provider/types.js';
import { gceDiskTypeOf, isPortableDiskClass, type GceDiskType } from './disk-types.js';
import { isImageRefusal, resolveGcpImage, type ResolvedGcpImage } from './image-aliases.js';
import { CUSTOM_FAMILIES, CUSTOM_PREMIUM, customShapeFor, familyOf, needsHyperdisk, takesAttachedGpus } from './machine-types.js';
import { composePrice, type GcpCatalog, type RegionCatalog } from './offer-catalog.js';
import { regionOfZone } from './naming.js';

/** What the planner needs of the provider's configuration. */
export interface PlannerContext {
  /** Provider name, for errors. */
  readonly providerName: string;
  /** Project id. */
  readonly project: string;
  /** Default region. */
  readonly region: string;
  /** Every region the provider places VMs in. */
  readonly regions: readonly string[];
  /** Machine families selection may choose from; all when absent. */
  readonly machineFamilies: readonly string[] | undefined;
  /** Consider custom machine types (default true). */
  readonly customMachineTypes: boolean;
  /** Default network name or path. */
  readonly network: string | undefined;
  /** Default subnetwork name or path. */
  readonly subnetwork: string | undefined;
}

/** The machine a create asks for. */
export interface PlannedMachine {
  /** Machine type name (predefined or custom). */
  readonly name: string;
  /** Family. */
  readonly family: string;
  /** vCPUs. */
  readonly vcpus: number;
  /** Memory, GiB. */
  readonly memoryGiB: number;
  /** Architecture. */
  readonly arch: Architecture;
  /** A custom machine type. */
  readonly custom: boolean;
}

/** A create's decisions. */
export interface LaunchPlan {
  /** Region. */
  readonly region: string;
  /** Zone. */
  readonly zone: string;
  /** The machine. */
  readonly machine: PlannedMachine;
  /** GPUs to attach (`guestAccelerators`): N1 types only; built-in GPUs are the type's. */
  readonly attachedGpu: { readonly acceleratorType: string; readonly count: number } | undefined;
  /** GPUs the VM has (attached or built in). */
  readonly gpu: GpuInfo | undefined;
  /** The region's catalog. */
  readonly catalog: RegionCatalog;
  /** `sourceImage` of the boot disk (`undefined` when planning an estimate or an import). */
  readonly sourceImage: string | undefined;
  /** Operating system. */
  readonly os: 'linux' | 'windows';
  /** Boot disk type. */
  readonly diskType: GceDiskType;
  /** Boot disk size, GiB: the spec's, raised to the image's minimum. */
  readonly diskGiB: number;
  /** What the machine costs per hour (spot or on demand), when priced. */
  readonly hourlyPrice: HourlyPrice | undefined;
  /** Network path. */
  readonly network: string;
  /** Subnetwork path, when one is set. */
  readonly subnetwork: string | undefined;
}

/** What is being planned. */
export interface PlanRequest {
  /** The spec. */
  readonly spec: VMSpec;
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
    private readonly catalog: GcpCatalog,
  ) {}

  private refuse(field: string, message: string): never {
    throw new InvalidSpecError({ provider: this.ctx.providerName, issues: [{ field, message }] });
  }

  /** Re-throws a mapping's InvalidSpecError with this provider's name on it. */
  named<T>(fn: () => T): T {
    return withProviderName(this.ctx.providerName, fn);
  }

  /** A region of this provider, or `InvalidSpecError` on `region`. */
  checkRegion(region: string): string {
    if (!this.ctx.regions.includes(region)) this.refuse('region', `unknown GCE region "${region}" for this provider; its regions: ${this.ctx.regions.join(', ')}`);
    return region;
  }

  /** Decides everything a create (or an estimate) needs. */
  async plan(request: PlanRequest): Promise<LaunchPlan> {
    const { spec, signal } = request;
    const region = this.checkRegion(spec.region ?? (spec.zone !== undefined ? regionOfZone(spec.zone) : this.ctx.region));
    const image = request.withImage ? this.image(spec.image) : undefined;
    const known = image ?? knownImage(spec.image);
    const catalog = await this.catalog.region(region, signal);
    if (spec.zone !== undefined && !catalog.zones.includes(spec.zone)) {
      this.refuse('zone', `unknown zone "${spec.zone}" in ${region} for this provider; zones: ${catalog.zones.join(', ') || '(none)'}`);
    }
    const archs = this.architectures(spec, image);
    const choice = this.chooseMachine(spec, catalog, archs);
    const family = choice.machine.family;
    const hyperdisk = needsHyperdisk(family);
    const diskType = this.named(() => gceDiskTypeOf(spec.disk.type, hyperdisk));
    const usage = spec.spot ? 'spot' : 'onDemand';
    const amount = composePrice(catalog.rates, choice.machine, choice.gpu, usage, choice.machine.custom ? CUSTOM_PREMIUM : 1);
    const sourceImage = image?.sourceImage(choice.machine.arch);
    if (image && sourceImage === undefined) this.refuse('image', `"${spec.image}" has no ${choice.machine.arch} image on GCE`);
    return {
      region,
      zone: choice.zone,
      machine: choice.machine,
      attachedGpu: choice.attached,
      gpu: choice.gpu,
      catalog,
      sourceImage,
      os: known?.os ?? 'linux',
      diskType,
      diskGiB: Math.max(spec.disk.sizeGiB, known?.minDiskGiB ?? 0),
      hourlyPrice: amount !== undefined ? { amount, currency: catalog.rates.currency, source: catalog.rates.source, asOf: catalog.rates.asOf } : undefined,
      ...this.networkOf(spec, region),
    };
  }

  private image(image: string): ResolvedGcpImage {
    const resolved = resolveGcpImage(image);
    if (isImageRefusal(resolved)) this.refuse('image', resolved.refused);
    return resolved;
  }

  private architectures(spec: VMSpec, image: ResolvedGcpImage | undefined): Architecture[] {
    const allowed = [...(specArchitectures(spec) ?? ARCHITECTURES)];
    const withBuild = image?.architectures ? allowed.filter((a) => image.architectures!.includes(a)) : allowed;
    if (withBuild.length === 0) this.refuse('image', `"${spec.image}" has no GCE image for ${allowed.join(' or ')}`);
    return withBuild;
  }

  private chooseMachine(
    spec: VMSpec,
    catalog: RegionCatalog,
    archs: Architecture[],
  ): { machine: PlannedMachine; zone: string; gpu: GpuInfo | undefined; attached: { acceleratorType: string; count: number } | undefined } {
    const zones = spec.zone !== undefined ? [spec.zone] : catalog.zones;
    const pdOnly = !isPortableDiskClass(spec.disk.type);
    const families = spec.instanceType === undefined ? this.ctx.machineFamilies : undefined;
    const usable = (offers: Offer[]): Offer[] =>
      offers.filter((o) => zones.includes(o.zone ?? '') && !(pdOnly && needsHyperdisk(familyOf(o.instanceType))) && (!spec.spot || o.spotHourly !== undefined || o.onDemandHourly === Infinity));
    const candidates = usable([...this.catalog.offersOfLoaded(catalog, false), ...(spec.spot ? [] : this.catalog.offersOfLoaded(catalog, true))]);
    if (spec.instanceType !== undefined) return this.fixedMachine(spec, catalog, candidates, zones, archs);
    const requirement = { ...requirementOf({ ...spec, zone: undefined }, catalog.region, families), arch: archs };
    const chosen = selectOffer(candidates, requirement);
    const custom = spec.gpu === undefined && this.ctx.customMachineTypes ? this.cheapestCustom(spec, catalog, zones, families) : undefined;
    if (custom && (!chosen || custom.price < priceOf(chosen, spec.spot))) return { machine: custom.machine, zone: custom.zone, gpu: undefined, attached: undefined };
    if (chosen) return this.fromOffer(chosen, catalog);
    this.explainNoFit(spec, catalog, candidates, zones, archs, families);
  }

  private fixedMachine(
    spec: VMSpec,
    catalog: RegionCatalog,
    candidates: Offer[],
    zones: readonly string[],
    archs: Architecture[],
  ): { machine: PlannedMachine; zone: string; gpu: GpuInfo | undefined; attached: { acceleratorType: string; count: number } | undefined } {
    const name = spec.instanceType!;
    const facts = catalog.machineTypes.get(name);
    const customShape = /custom-(\d+)-(\d+)/.exec(name);
    if (!facts && customShape) {
      const family = familyOf(name);
      if (!CUSTOM_FAMILIES.includes(family)) this.refuse('instanceType', `${family} has no custom machine types; custom types exist for ${CUSTOM_FAMILIES.join(', ')}`);
      const zone = zones.find((z) => [...catalog.machineTypes.values()].some((t) => t.family === family && t.zones.includes(z)));
      if (zone === undefined) this.refuse('instanceType', `no zone of ${catalog.region} offers the ${family} family`);
      return { machine: { name, family, vcpus: Number(customShape[1]), memoryGiB: Number(customShape[2]) / 1024, arch: 'x86_64', custom: true }, zone, gpu: undefined, attached: undefined };
    }
    if (!facts) this.refuse('instanceType', `unknown machine type "${name}" in ${catalog.region}`);
    if (!zones.some((z) => facts.zones.includes(z))) this.refuse('zone', `${name} is not offered in zone ${zones.join(', ')}; it is offered in ${facts.zones.join(', ')}`);
    if (!archs.includes(facts.arch)) this.refuse(spec.arch && !spec.arch.includes(facts.arch) ? 'arch' : 'image', `${name} is ${facts.arch}, but ${spec.arch ? `arch allows only ${spec.arch.join(', ')}` : `image "${spec.image}" has no ${facts.arch} build on GCE`}`);
    const requirement = { ...requirementOf({ ...spec, zone: undefined }, catalog.region), arch: archs };
    const chosen = selectOffer(candidates.filter((o) => o.instanceType === name), requirement);
    if (chosen) return this.fromOffer(chosen, catalog);
    if (spec.gpu) this.refuseGpu(spec, catalog, zones);
    const zone = zones.find((z) => facts.zones.includes(z))!;
    return { machine: { ...facts, custom: false }, zone, gpu: facts.gpu, attached: undefined };
  }

  private fromOffer(offer: Offer, catalog: RegionCatalog): { machine: PlannedMachine; zone: string; gpu: GpuInfo | undefined; attached: { acceleratorType: string; count: number } | undefined } {
    const facts = catalog.machineTypes.get(offer.instanceType)!;
    const zone = offer.zone!;
    const attached = offer.gpu && takesAttachedGpus(facts.family) && !facts.gpu ? { acceleratorType: catalog.accelerators.get(zone)!.get(offer.gpu.model)!.name, count: offer.gpu.count } : undefined;
    return { machine: { ...facts, custom: false }, zone, gpu: offer.gpu, attached };
  }

  private cheapestCustom(spec: VMSpec, catalog: RegionCatalog, zones: readonly string[], families: readonly string[] | undefined): { machine: PlannedMachine; zone: string; price: number } | undefined {
    const archs = specArchitectures(spec) ?? ARCHITECTURES;
    if (!archs.includes('x86_64')) return undefined;
    let best: { machine: PlannedMachine; zone: string; price: number } | undefined;
    for (const family of CUSTOM_FAMILIES) {
      if (families && !families.includes(family)) continue;
      const shape = customShapeFor(family, spec.cpu, spec.memoryGiB);
      if (!shape) continue;
      const zone = zones.find((z) => [...catalog.machineTypes.values()].some((t) => t.family === family && t.zones.includes(z)));
      if (zone === undefined) continue;
      const price = composePrice(catalog.rates, shape, undefined, spec.spot ? 'spot' : 'onDemand', CUSTOM_PREMIUM);
      if (price === undefined) continue;
      if (!best || price < best.price) best = { machine: { ...shape, arch: 'x86_64', custom: true }, zone, price };
    }
    return best;
  }

  private refuseGpu(spec: VMSpec, catalog: RegionCatalog, zones: readonly string[]): never {
    const gpu = spec.gpu!;
    const model = gpu.type;
    const where = zones.length === 1 ? `zone ${zones[0]}` : catalog.region;
    if (model !== undefined) {
      const inZones = zones.some((z) => catalog.accelerators.get(z)?.has(model) || [...catalog.machineTypes.values()].some((t) => t.gpu?.model === model && t.zones.includes(z)));
      if (!inZones) {
        const elsewhere = catalog.zones.filter((z) => catalog.accelerators.get(z)?.has(model) || [...catalog.machineTypes.values()].some((t) => t.gpu?.model === model && t.zones.includes(z)));
        this.refuse('gpu', `GPU type "${model}" is not offered in ${where}${elsewhere.length > 0 ? `; it is offered in ${elsewhere.join(', ')}` : ''}`);
      }
    }
    this.refuse('gpu', `no machine type with ${gpu.exact ? 'exactly ' : ''}${gpu.count}× ${model ?? 'GPU'} fits ${spec.cpu} vCPU / ${spec.memoryGiB} GiB in ${where}`);
  }

  private explainNoFit(spec: VMSpec, catalog: RegionCatalog, candidates: Offer[], zones: readonly string[], archs: Architecture[], families: readonly string[] | undefined): never {
    if (spec.gpu) this.refuseGpu(spec, catalog, zones);
    const requirement = requirementOf({ ...spec, zone: undefined }, catalog.region, families);
    const otherArch = selectOffer(candidates, { ...requirement, arch: undefined });
    if (otherArch) this.refuse('arch', `only ${otherArch.arch} machine types fit ${spec.cpu} vCPU / ${spec.memoryGiB} GiB in ${catalog.region}, but ${spec.arch ? `arch allows only ${archs.join(', ')}` : `the default is ${archs.join(', ')}`}`);
    this.refuse('cpu', `no machine type${families ? ` in families ${families.join(', ')}` : ''}${spec.spot ? ' sold as spot' : ''} fits ${spec.cpu} vCPU / ${spec.memoryGiB} GiB (${archs.join(' or ')}) in ${zones.length === 1 ? `zone ${zones[0]}` : catalog.region}`);
  }

  private networkOf(spec: VMSpec, region: string): { network: string; subnetwork: string | undefined } {
    const network = spec.network.network ?? this.ctx.network ?? 'default';
    const subnetwork = spec.network.subnet ?? this.ctx.subnetwork;
    return {
      network: network.includes('/') ? network : `projects/${this.ctx.project}/global/networks/${network}`,
      subnetwork: subnetwork === undefined ? undefined : subnetwork.includes('/') ? subnetwork : `projects/${this.ctx.project}/regions/${region}/subnetworks/${subnetwork}`,
    };
  }
}

function priceOf(offer: Offer, spot: boolean): number {
  return (spot ? offer.spotHourly : offer.onDemandHourly) ?? Infinity;
}

/** An image's facts when it resolves (for estimates, which need no image). */
function knownImage(image: string): ResolvedGcpImage | undefined {
  const resolved = resolveGcpImage(image);
  return isImageRefusal(resolved) ? undefined : resolved;
}

