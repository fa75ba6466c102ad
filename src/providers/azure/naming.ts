/**
 * Deterministic resource names: Azure's idempotency mechanism is the resource name itself (a PUT
 * to the same name updates instead of creating), so every resource a create makes is named from
 * its idempotency key alone. A retried create, in this process or another one, finds its own
 * public IP, NIC, OS disk and VM instead of making new ones, and the durable core's lookup finds
 * the VM by name.
 *
 * The names depend on the key only, never on the spec: a different spec under the same key must
 * land on the same VM name, where the spec-hash tag tells a repeat from a conflict.
 *
 * Length: Windows computer names, which Azure derives from the VM name unless told otherwise,
 * hold at most 15 characters (Azure "Naming rules and restrictions for Azure resources",
 * Microsoft.Compute/virtualMachines, read 2026-12), so every VM name is 15 characters whatever
 * its image: `nc-` and 12 hex digits of SHA-256 (48 bits; half a chance of one collision only
 * past about 16 million keys in one resource group, and a collision is a ConflictError through
 * the spec hash, never a silent share, unless the specs are identical too).
 */
import { createHash } from 'node:crypto';

/** The names of everything one create makes. */
export interface ResourceNames {
  /** The VM (`nc-<12 hex>`). */
  readonly vm: string;
  /** Its network interface (`<vm>-nic`). */
  readonly nic: string;
  /** Its public IP address, when the spec asks for one (`<vm>-ip`). */
  readonly publicIp: string;
  /** Its managed OS disk (`<vm>-osdisk`). */
  readonly osDisk: string;
  /** The IP configuration inside the NIC. */
  readonly ipConfiguration: string;
}

/** Prefix of every VM name novacron makes. */
export const VM_NAME_PREFIX = 'nc-';

const HEX_DIGITS = 12;

/** The names of a create with this idempotency key, identical in every process. */
export function resourceNamesFor(idempotencyKey: string): ResourceNames {
  const digest = createHash('sha256').update(`novacron/azure/${idempotencyKey}`).digest('hex');
  return namesOfVm(`${VM_NAME_PREFIX}${digest.slice(0, HEX_DIGITS)}`);
}

/** The names of the resources that belong to the VM called `vm` (what a delete looks for). */
export function namesOfVm(vm: string): ResourceNames {
  return { vm, nic: `${vm}-nic`, publicIp: `${vm}-ip`, osDisk: `${vm}-osdisk`, ipConfiguration: 'ipconfig1' };
}

export { oneOffKey } from '../../provider/keyed-creates.js';

/** The name of an export snapshot of `vm` taken at `now` (`<vm>-export-20261201T101500`). */
export function exportSnapshotName(vm: string, now: Date): string {
  return `${vm}-export-${now.toISOString().replace(/[-:]/g, '').slice(0, 15)}`;
}

/**
 * The computer (host) name a VM gets: the spec's name, which is already a valid Linux host name
 * (lower-case letters, digits and dashes, at most 63 characters); Windows allows 15 characters,
 * so its name is cut there (and a dash it would end with dropped).
 */
export function computerNameOf(specName: string, os: 'linux' | 'windows'): string {
  if (os === 'linux') return specName;
  return specName.slice(0, 15).replace(/-+$/, '');
}
