/**
 * Machine-type facts the API does not state: GPU models of accelerator names, which families take
 * attached GPUs, which need Hyperdisk, which are Arm, and the rules of custom machine types.
 *
 * - Accelerator names → portable GPU models: `nvidia-tesla-t4` → `t4`, `nvidia-l4` → `l4`,
 *   `nvidia-tesla-a100` → `a100`, `nvidia-a100-80gb` → `a100-80gb`, `nvidia-h100-80gb` →
 *   `h100-80gb` (the names the Cloud Billing Catalog loader gives its GPU SKUs).
 * - Attached GPUs (`guestAccelerators`) go on N1 machine types only; A2, A3, G2 carry theirs in the
 *   machine type ("GPU machine types", cloud.google.com/compute/docs/gpus, read 2026-12).
 * - Hyperdisk only: C4, C4A, C4D, N4, X4, M4, A4, A3 Ultra take no Persistent Disk ("Machine
 *   series comparison", cloud.google.com/compute/docs/machine-resource, read 2026-12).
 * - Custom machine types ("Create a VM with a custom machine type", cloud.google.com/compute/docs
 *   /instances/creating-instance-with-custom-machine-type, read 2026-12): N1 (1 or an even number
 *   of vCPUs up to 96, 0.9–6.5 GiB per vCPU), N2 (a multiple of 2 up to 32, then of 4 up to 128;
 *   0.5–8 GiB per vCPU), N2D (2, 4, 8, 16, 32, 48, 64, 80, 96; 0.5–8 GiB), E2 (an even number 2–32;
 *   0.5–8 GiB); memory a multiple of 256 MiB. Custom vCPUs and memory cost about 5% more than
 *   predefined ones of the family (the Custom SKUs of the Billing Catalog), priced here as the
 *   family's rates × {@link CUSTOM_PREMIUM}.
 */
import type { Architecture } from '../../provider/types.js';

/** Price factor of custom vCPUs and memory over the family's predefined rates. */
export const CUSTOM_PREMIUM = 1.05;

/** The portable GPU model of a GCE accelerator type name. */
export function gpuModelOfAccelerator(name: string): string {
  return name.replace(/^nvidia-/, '').replace(/^tesla-/, '');
}

/** The machine family of a machine type (`n2-standard-4` → `n2`, `custom-4-8192` → `n1`). */
export function familyOf(machineType: string): string {
  if (machineType.startsWith('custom-')) return 'n1';
  return machineType.split('-')[0]!;
}

/** True for families that take attached GPUs. */
export function takesAttachedGpus(family: string): boolean {
  return family === 'n1';
}

const HYPERDISK_ONLY = new Set(['c4', 'c4a', 'c4d', 'n4', 'x4', 'm4', 'a4', 'a4x', 'h4d']);

/** True for families that boot from Hyperdisk only. */
export function needsHyperdisk(family: string): boolean {
  return HYPERDISK_ONLY.has(family);
}

const ARM = new Set(['t2a', 'c4a', 'a4x', 'n4a']);

/** The architecture of a machine type: the API's `architecture` when it says, else its family's. */
export function architectureOf(family: string, api: string | null | undefined): Architecture {
  if (api === 'ARM64') return 'arm64';
  if (api === 'X86_64') return 'x86_64';
  return ARM.has(family) ? 'arm64' : 'x86_64';
}

interface CustomRule {
  readonly vcpus: (n: number) => boolean;
  readonly maxVcpus: number;
  readonly minGiBPerVcpu: number;
  readonly maxGiBPerVcpu: number;
}

const CUSTOM_RULES: Readonly<Record<string, CustomRule>> = {
  n1: { vcpus: (n) => n === 1 || n % 2 === 0, maxVcpus: 96, minGiBPerVcpu: 0.9, maxGiBPerVcpu: 6.5 },
  n2: { vcpus: (n) => (n <= 32 ? n % 2 === 0 : n % 4 === 0), maxVcpus: 128, minGiBPerVcpu: 0.5, maxGiBPerVcpu: 8 },
  n2d: { vcpus: (n) => [2, 4, 8, 16, 32, 48, 64, 80, 96].includes(n), maxVcpus: 96, minGiBPerVcpu: 0.5, maxGiBPerVcpu: 8 },
  e2: { vcpus: (n) => n % 2 === 0 && n >= 2, maxVcpus: 32, minGiBPerVcpu: 0.5, maxGiBPerVcpu: 8 },
};

/** Families that allow custom machine types. */
export const CUSTOM_FAMILIES: readonly string[] = Object.keys(CUSTOM_RULES);

/** A custom machine type. */
export interface CustomShape {
  /** Its name (`n2-custom-6-12288`; N1's are `custom-6-12288`). */
  readonly name: string;
  /** Family. */
  readonly family: string;
  /** vCPUs. */
  readonly vcpus: number;
  /** Memory, GiB (a multiple of 0.25). */
  readonly memoryGiB: number;
}

/**
 * The smallest custom machine type of `family` with at least `cpu` vCPUs and `memoryGiB` of
 * memory, within the family's rules; `undefined` when the family has no custom types or none fits.
 */
export function customShapeFor(family: string, cpu: number, memoryGiB: number): CustomShape | undefined {
  const rule = CUSTOM_RULES[family];
  if (!rule) return undefined;
  for (let vcpus = Math.max(1, Math.ceil(cpu)); vcpus <= rule.maxVcpus; vcpus++) {
    if (!rule.vcpus(vcpus)) continue;
    const mem = Math.max(Math.ceil(memoryGiB * 4) / 4, Math.ceil(vcpus * rule.minGiBPerVcpu * 4) / 4);
    if (mem > vcpus * rule.maxGiBPerVcpu) continue;
    const mib = mem * 1024;
    return { name: family === 'n1' ? `custom-${vcpus}-${mib}` : `${family}-custom-${vcpus}-${mib}`, family, vcpus, memoryGiB: mem };
  }
  return undefined;
}
