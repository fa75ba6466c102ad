/**
 * The flavors the emulated Nova offers: devstack's `m1.*` (ids 1–5, as devstack creates them),
 * compute-heavy `c1.*`, memory-heavy `r1.*` and one GPU flavor whose `pci_passthrough:alias`
 * passes an A100 through — the extra spec Nova's PCI passthrough reads (nova docs "Attaching
 * physical PCI devices to guests", read 2026-12). RAM is in MiB and disk in GiB, as Nova reports.
 */
import { createHash } from 'node:crypto';

/** A flavor to offer. */
export interface OpenStackFlavorSeed {
  /** Flavor name. */
  readonly name: string;
  /** vCPUs. */
  readonly vcpus: number;
  /** Memory, MiB. */
  readonly ramMiB: number;
  /** Root disk, GiB. */
  readonly diskGiB: number;
  /** Ephemeral disk, GiB (default 0). */
  readonly ephemeralGiB?: number | undefined;
  /** Extra specs (default none). */
  readonly extraSpecs?: Readonly<Record<string, string>> | undefined;
  /** Flavor id (default: derived from the name, UUID-shaped). */
  readonly id?: string | undefined;
  /** Public (default true). */
  readonly isPublic?: boolean | undefined;
  /** Description (default none). */
  readonly description?: string | undefined;
}

/** A flavor as the emulator keeps it. */
export interface FlavorRecord {
  /** Flavor id. */
  readonly id: string;
  /** Name. */
  readonly name: string;
  /** vCPUs. */
  readonly vcpus: number;
  /** Memory, MiB. */
  readonly ramMiB: number;
  /** Root disk, GiB. */
  readonly diskGiB: number;
  /** Ephemeral disk, GiB. */
  readonly ephemeralGiB: number;
  /** Extra specs. */
  readonly extraSpecs: Readonly<Record<string, string>>;
  /** Public. */
  readonly isPublic: boolean;
  /** Description, `null` when none. */
  readonly description: string | null;
}

/** The default flavors. */
export const DEFAULT_FLAVORS: readonly OpenStackFlavorSeed[] = [
  { id: '1', name: 'm1.tiny', vcpus: 1, ramMiB: 512, diskGiB: 1 },
  { id: '2', name: 'm1.small', vcpus: 1, ramMiB: 2048, diskGiB: 20 },
  { id: '3', name: 'm1.medium', vcpus: 2, ramMiB: 4096, diskGiB: 40 },
  { id: '4', name: 'm1.large', vcpus: 4, ramMiB: 8192, diskGiB: 80 },
  { id: '5', name: 'm1.xlarge', vcpus: 8, ramMiB: 16384, diskGiB: 160 },
  { name: 'c1.large', vcpus: 4, ramMiB: 4096, diskGiB: 40 },
  { name: 'c1.xlarge', vcpus: 8, ramMiB: 8192, diskGiB: 80 },
  { name: 'c1.2xlarge', vcpus: 16, ramMiB: 16384, diskGiB: 160 },
  { name: 'r1.large', vcpus: 2, ramMiB: 16384, diskGiB: 40 },
  { name: 'r1.xlarge', vcpus: 4, ramMiB: 32768, diskGiB: 80 },
  { name: 'r1.2xlarge', vcpus: 8, ramMiB: 65536, diskGiB: 160 },
  { name: 'g1.a100', vcpus: 8, ramMiB: 65536, diskGiB: 200, extraSpecs: { 'pci_passthrough:alias': 'a100:1' }, description: 'One NVIDIA A100 passed through' },
];

/** A UUID-shaped id derived from a name, so seeded flavors keep their ids across runs. */
function derivedId(name: string): string {
  const h = createHash('sha256').update(`flavor:${name}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** The flavor records of `seeds`, sorted by id as Nova lists them. */
export function flavorRecords(seeds: readonly OpenStackFlavorSeed[]): FlavorRecord[] {
  const records = seeds.map((s) => ({
    id: s.id ?? derivedId(s.name),
    name: s.name,
    vcpus: s.vcpus,
    ramMiB: s.ramMiB,
    diskGiB: s.diskGiB,
    ephemeralGiB: s.ephemeralGiB ?? 0,
    extraSpecs: { ...s.extraSpecs },
    isPublic: s.isPublic ?? true,
    description: s.description ?? null,
  }));
  const ids = new Set(records.map((r) => r.id));
  if (ids.size !== records.length) throw new Error('[novacron] [openstack-emulator] flavor ids must be unique');
  return records.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
