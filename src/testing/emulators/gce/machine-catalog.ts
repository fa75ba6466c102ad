/**
 * What a zone offers: machine types, accelerator types and the disk types each machine family
 * takes. Machine types come from the bundled price snapshot's GCP offers (the same figures the
 * Billing Catalog emulator beside it prices), plus the families the snapshot does not price and
 * that an adapter must handle anyway: Hyperdisk-only C4, N4 and C4A, Arm T2A, shared-core E2 and
 * plain N1 (to which GPUs are attached). Those extra types are served without a price.
 *
 * Rules carried over, with their source (Compute Engine docs, read 2026-12 with the project's
 * search tool; approximate where marked):
 * - Disk types per machine series (cloud.google.com/compute/docs/disks#disk-types, "Machine series
 *   support"): C4, C4A, N4 take only Hyperdisk; C3 takes Hyperdisk and pd-balanced / pd-ssd but
 *   not pd-standard; E2, N1, N2, N2D, C2, T2A, A2, G2 take no hyperdisk-balanced.
 * - Accelerators: NVIDIA T4 attaches to N1 (1, 2 or 4 cards); A2 and G2 come with their GPUs
 *   (cloud.google.com/compute/docs/gpus). Which zones carry which GPU is this emulator's rule, so
 *   tests can meet "not offered in this zone": T4 in every zone of a GPU region, L4 (and G2) in
 *   all but the last zone, A100 (and A2) in the first two zones.
 * - Custom machine types (cloud.google.com/compute/docs/instances/creating-instance-with-custom-machine-type):
 *   `custom-C-M` (N1) and `{e2,n2,n2d,n4}-custom-C-M[-ext]`, memory in MiB, a multiple of 256;
 *   vCPUs 1 or even on N1, even elsewhere (E2 up to 32); memory 0.5–8 GiB per vCPU (N1 0.9–6.5)
 *   unless `-ext`. Approximate: GCE's per-series limits have more cases.
 */
import type { Offer } from '../../../provider/types.js';

/** Compute API base of self links, as GCE writes them. */
export const COMPUTE_BASE = 'https://www.googleapis.com/compute/v1';

/** A machine type in the catalog. */
export interface MachineTypeSpec {
  /** Name (`n2-standard-4`). */
  readonly name: string;
  /** Family (`n2`). */
  readonly family: string;
  /** vCPUs. */
  readonly vcpus: number;
  /** Memory, MiB. */
  readonly memoryMb: number;
  /** Architecture. */
  readonly architecture: 'X86_64' | 'ARM64';
  /** GPUs that come with the type. */
  readonly accelerators: { readonly type: string; readonly count: number } | undefined;
  /** Shared-core. */
  readonly sharedCpu: boolean;
  /** Priced by the bundled snapshot. */
  readonly priced: boolean;
  /** A custom machine type. */
  readonly custom: boolean;
}

/** An accelerator type in the catalog. */
export interface AcceleratorSpec {
  /** Name (`nvidia-tesla-t4`). */
  readonly name: string;
  /** Description. */
  readonly description: string;
  /** Most cards per instance. */
  readonly maxCards: number;
  /** The snapshot's model word (`t4`), for the machine types that carry it. */
  readonly model: string;
}

const ACCELERATORS: readonly AcceleratorSpec[] = [
  { name: 'nvidia-tesla-t4', description: 'NVIDIA T4', maxCards: 4, model: 't4' },
  { name: 'nvidia-l4', description: 'NVIDIA L4', maxCards: 8, model: 'l4' },
  { name: 'nvidia-tesla-a100', description: 'NVIDIA A100 40GB', maxCards: 16, model: 'a100' },
  { name: 'nvidia-a100-80gb', description: 'NVIDIA A100 80GB', maxCards: 8, model: 'a100-80gb' },
];

/** Where each GPU is, by the zone's position in its region (see the header). */
function acceleratorInZone(name: string, index: number, count: number): boolean {
  if (name === 'nvidia-tesla-t4') return true;
  if (name === 'nvidia-l4') return index < count - 1;
  return index < 2;
}

/** Types the snapshot does not carry: [name, vcpus, GiB, arch, shared]. */
const EXTRA_TYPES: readonly (readonly [string, number, number, 'X86_64' | 'ARM64', boolean])[] = [
  ['e2-micro', 2, 1, 'X86_64', true],
  ['e2-small', 2, 2, 'X86_64', true],
  ['e2-medium', 2, 4, 'X86_64', true],
  ['n1-standard-1', 1, 3.75, 'X86_64', false],
  ['n1-standard-2', 2, 7.5, 'X86_64', false],
  ['n1-standard-4', 4, 15, 'X86_64', false],
  ['n1-standard-8', 8, 30, 'X86_64', false],
  ['n1-standard-16', 16, 60, 'X86_64', false],
  ['c4-standard-2', 2, 7, 'X86_64', false],
  ['c4-standard-4', 4, 15, 'X86_64', false],
  ['c4-standard-8', 8, 30, 'X86_64', false],
  ['c4-standard-16', 16, 60, 'X86_64', false],
  ['n4-standard-2', 2, 8, 'X86_64', false],
  ['n4-standard-4', 4, 16, 'X86_64', false],
  ['n4-standard-8', 8, 32, 'X86_64', false],
  ['t2a-standard-1', 1, 4, 'ARM64', false],
  ['t2a-standard-2', 2, 8, 'ARM64', false],
  ['t2a-standard-4', 4, 16, 'ARM64', false],
  ['t2a-standard-8', 8, 32, 'ARM64', false],
  ['c4a-standard-1', 1, 4, 'ARM64', false],
  ['c4a-standard-2', 2, 8, 'ARM64', false],
  ['c4a-standard-4', 4, 16, 'ARM64', false],
  ['c4a-standard-8', 8, 32, 'ARM64', false],
];

/** Disk types a zone serves. */
export const DISK_TYPES = ['pd-standard', 'pd-balanced', 'pd-ssd', 'pd-extreme', 'hyperdisk-balanced', 'hyperdisk-extreme', 'hyperdisk-throughput'] as const;

const HYPERDISK_ONLY = new Set(['c4', 'c4a', 'c4d', 'n4', 'n4a', 'n4d', 'x4', 'm4', 'a4', 'a4x']);
const NO_HYPERDISK_BALANCED = new Set(['e2', 'n1', 'n2', 'n2d', 'c2', 'c2d', 't2a', 't2d', 'a2', 'g2']);

/** Why a disk type cannot go on a machine family, `undefined` when it can. */
export function diskTypeRefusal(family: string, diskType: string): string | undefined {
  const hyperdisk = diskType.startsWith('hyperdisk-');
  if (HYPERDISK_ONLY.has(family) && !hyperdisk) return `[${diskType}] features are not compatible for creating instance.`;
  if (diskType === 'hyperdisk-balanced' && NO_HYPERDISK_BALANCED.has(family)) return `[${diskType}] features are not compatible for creating instance.`;
  if (family === 'c3' && diskType === 'pd-standard') return `[${diskType}] features are not compatible for creating instance.`;
  return undefined;
}

/** A zone and its region. */
export interface ZoneSpec {
  /** Zone name. */
  readonly name: string;
  /** Region name. */
  readonly region: string;
  /** Position in the region's zone list (drives GPU availability). */
  readonly index: number;
  /** Zones in the region. */
  readonly siblings: number;
}

function familyOf(name: string): string {
  return name.startsWith('custom-') ? 'n1' : name.split('-')[0]!;
}

function acceleratorOfOffer(offer: Offer): { type: string; count: number } | undefined {
  if (!offer.gpu || offer.instanceType.startsWith('n1-')) return undefined; // N1 GPUs are attached, not built in
  const spec = ACCELERATORS.find((a) => a.model === offer.gpu!.model);
  return spec ? { type: spec.name, count: offer.gpu.count } : undefined;
}

/** Parses a custom machine type name; a string says why it is not valid, `undefined` when it is no custom name. */
function parseCustom(name: string): MachineTypeSpec | string | undefined {
  const m = /^(?:(e2|n2|n2d|n4)-)?custom-(\d+)-(\d+)(-ext)?$/.exec(name);
  if (!m) return undefined;
  const family = m[1] ?? 'n1';
  const vcpus = Number(m[2]);
  const memoryMb = Number(m[3]);
  const ext = m[4] !== undefined;
  if (memoryMb % 256 !== 0) return 'Memory should be a multiple of 256MiB.';
  if (family === 'n1' ? vcpus !== 1 && vcpus % 2 !== 0 : vcpus % 2 !== 0) return 'Invalid custom machine type: the number of vCPUs must be even.';
  const maxVcpus = family === 'e2' ? 32 : family === 'n1' ? 96 : 80;
  if (vcpus < 1 || vcpus > maxVcpus) return `Invalid custom machine type: the number of vCPUs must be between ${family === 'n1' ? 1 : 2} and ${maxVcpus}.`;
  const perVcpuGiB = memoryMb / 1024 / vcpus;
  const [lo, hi] = family === 'n1' ? [0.9, 6.5] : [0.5, 8];
  if (perVcpuGiB < lo || (!ext && perVcpuGiB > hi)) return `Invalid custom machine type: memory per vCPU must be between ${lo} GB and ${hi} GB.`;
  return { name, family, vcpus, memoryMb, architecture: 'X86_64', accelerators: undefined, sharedCpu: false, priced: false, custom: true };
}

/** The machine and accelerator types of the emulated zones. */
export class MachineCatalog {
  private readonly zoneSpecs = new Map<string, ZoneSpec>();
  private readonly byRegion = new Map<string, Map<string, MachineTypeSpec>>();
  /** Regions whose snapshot rows carry GPUs. */
  private readonly gpuRegions = new Set<string>();

  /**
   * A catalog for `zones` (each `{region}-{letter}` of a region the offers cover), from the
   * snapshot's `offers` and the extra families; `regionZones` lists every zone of each region.
   */
  constructor(offers: readonly Offer[], zones: readonly string[], regionZones: ReadonlyMap<string, readonly string[]>) {
    for (const zone of zones) {
      const region = zone.replace(/-[a-z]$/, '');
      const siblings = regionZones.get(region) ?? [zone];
      this.zoneSpecs.set(zone, { name: zone, region, index: Math.max(0, siblings.indexOf(zone)), siblings: siblings.length });
    }
    for (const region of new Set([...this.zoneSpecs.values()].map((z) => z.region))) {
      const types = new Map<string, MachineTypeSpec>();
      for (const offer of offers) {
        if (offer.region !== region) continue;
        if (offer.gpu) this.gpuRegions.add(region);
        types.set(offer.instanceType, {
          name: offer.instanceType,
          family: familyOf(offer.instanceType),
          vcpus: offer.vcpus,
          memoryMb: Math.round(offer.memoryGiB * 1024),
          architecture: offer.arch === 'arm64' ? 'ARM64' : 'X86_64',
          accelerators: acceleratorOfOffer(offer),
          sharedCpu: false,
          priced: !offer.instanceType.startsWith('n1-'),
          custom: false,
        });
      }
      for (const [name, vcpus, gib, architecture, sharedCpu] of EXTRA_TYPES) {
        if (types.has(name)) continue;
        types.set(name, { name, family: familyOf(name), vcpus, memoryMb: Math.round(gib * 1024), architecture, accelerators: undefined, sharedCpu, priced: false, custom: false });
      }
      this.byRegion.set(region, types);
    }
  }

  /** Every emulated zone, in the order given. */
  zones(): ZoneSpec[] {
    return [...this.zoneSpecs.values()];
  }

  /** One zone, `undefined` when not emulated. */
  zone(name: string): ZoneSpec | undefined {
    return this.zoneSpecs.get(name);
  }

  /** The regions of the emulated zones. */
  regions(): string[] {
    return [...this.byRegion.keys()];
  }

  /** The machine types a zone offers, sorted by name. */
  machineTypes(zone: string): MachineTypeSpec[] {
    const spec = this.zoneSpecs.get(zone);
    if (!spec) return [];
    return [...this.byRegion.get(spec.region)!.values()].filter((t) => this.offeredIn(t, spec)).sort((a, b) => a.name.localeCompare(b.name));
  }

  /**
   * A machine type of a zone (custom names included): the spec, a string saying why a custom
   * name is not valid, or `undefined` when the zone does not offer it.
   */
  machineType(zone: string, name: string): MachineTypeSpec | string | undefined {
    const spec = this.zoneSpecs.get(zone);
    if (!spec) return undefined;
    const custom = parseCustom(name);
    if (custom !== undefined) return custom;
    const type = this.byRegion.get(spec.region)!.get(name);
    return type && this.offeredIn(type, spec) ? type : undefined;
  }

  /** The accelerator types a zone offers (none in regions without GPUs). */
  acceleratorTypes(zone: string): AcceleratorSpec[] {
    const spec = this.zoneSpecs.get(zone);
    if (!spec) return [];
    if (!this.gpuRegions.has(spec.region)) return [];
    return ACCELERATORS.filter((a) => acceleratorInZone(a.name, spec.index, spec.siblings));
  }

  /** One accelerator type of a zone. */
  acceleratorType(zone: string, name: string): AcceleratorSpec | undefined {
    return this.acceleratorTypes(zone).find((a) => a.name === name);
  }

  private offeredIn(type: MachineTypeSpec, zone: ZoneSpec): boolean {
    if (!type.accelerators) return true;
    return acceleratorInZone(type.accelerators.type, zone.index, zone.siblings);
  }
}
