/**
 * Nova server → portable {@link VM}.
 *
 * Server statuses ("Server concepts", docs.openstack.org/api-guide/compute/server_concepts.html,
 * read 2026-12) and the portable state each is:
 *
 * | Nova status        | VM state      | why |
 * |--------------------|---------------|-----|
 * | BUILD              | pending       | being scheduled and spawned |
 * | ACTIVE             | running       | |
 * | REBOOT, HARD_REBOOT| pending       | coming back up; a reboot waits for ACTIVE |
 * | REBUILD            | pending       | re-imaged, then ACTIVE |
 * | PASSWORD           | running       | the guest runs while its password is set |
 * | MIGRATING          | running       | a live migration keeps the guest running |
 * | RESIZE, REVERT_RESIZE | pending    | down while its disk is copied or the old host restores it |
 * | VERIFY_RESIZE      | running       | runs on the new flavor until the resize is confirmed |
 * | SHUTOFF, STOPPED   | stopped       | powered off; the host keeps its resources (still billed on a rate card) |
 * | PAUSED             | stopped       | frozen in memory on its host |
 * | SUSPENDED          | stopped       | memory saved to disk; the host keeps its resources |
 * | SHELVED            | stopped       | snapshot taken, still on its host |
 * | SHELVED_OFFLOADED  | deallocated   | removed from the hypervisor: no vCPU or memory held |
 * | RESCUE             | unknown       | booted into a rescue image, not its own system |
 * | ERROR              | error         | with the fault's message as the reason |
 * | DELETED, SOFT_DELETED | terminated | |
 * | UNKNOWN            | unknown       | the compute host does not answer |
 *
 * A task in progress overrides the status where it says more: `deleting` → terminating,
 * `powering-off` → stopping, `powering-on` → pending. `rawState` keeps Nova's status.
 */
import type { HourlyPrice, VM, VMState } from '../../provider/types.js';
import { labelsOf, NOVACRON_METADATA } from './metadata.js';
import type { NovaServer } from './wire-types.js';

const STATES: Readonly<Record<string, VMState>> = {
  BUILD: 'pending',
  ACTIVE: 'running',
  REBOOT: 'pending',
  HARD_REBOOT: 'pending',
  REBUILD: 'pending',
  PASSWORD: 'running',
  MIGRATING: 'running',
  RESIZE: 'pending',
  REVERT_RESIZE: 'pending',
  VERIFY_RESIZE: 'running',
  SHUTOFF: 'stopped',
  STOPPED: 'stopped',
  PAUSED: 'stopped',
  SUSPENDED: 'stopped',
  SHELVED: 'stopped',
  SHELVED_OFFLOADED: 'deallocated',
  RESCUE: 'unknown',
  ERROR: 'error',
  DELETED: 'terminated',
  SOFT_DELETED: 'terminated',
  UNKNOWN: 'unknown',
};

const TASKS: Readonly<Record<string, VMState>> = { deleting: 'terminating', 'powering-off': 'stopping', 'powering-on': 'pending' };

/** Every Nova status the table maps. */
export const NOVA_STATUSES: readonly string[] = Object.keys(STATES);

/** The portable state of a Nova status (and task), `unknown` for a status the table does not know. */
export function vmStateOf(status: string | undefined, taskState?: string | null): VMState {
  const task = taskState ? TASKS[taskState] : undefined;
  if (task !== undefined && status !== 'DELETED' && status !== 'ERROR') return task;
  return (status && STATES[status]) || 'unknown';
}

/** What turning a server into a VM needs besides the server. */
export interface VmMappingContext {
  /** Provider name. */
  readonly provider: string;
  /** The provider's region. */
  readonly region: string;
  /** Its hourly price, when the rate card prices its flavor. */
  readonly hourlyPrice?: HourlyPrice | undefined;
}

/** The fixed and floating addresses of a server. */
export function addressesOf(server: NovaServer): { privateIps: string[]; publicIps: string[] } {
  const privateIps: string[] = [];
  const publicIps: string[] = [];
  for (const list of Object.values(server.addresses ?? {})) {
    for (const a of list) {
      if (!a.addr) continue;
      (a['OS-EXT-IPS:type'] === 'floating' ? publicIps : privateIps).push(a.addr);
    }
  }
  return { privateIps, publicIps };
}

/** A Nova server as a portable VM. */
export function novaServerToVM(server: NovaServer, ctx: VmMappingContext): VM {
  const status = server.status ?? 'UNKNOWN';
  const state = vmStateOf(status, server['OS-EXT-STS:task_state']);
  const flavor = server.flavor;
  const imageId = typeof server.image === 'object' ? server.image.id : undefined;
  return {
    id: server.id,
    name: server.metadata?.[NOVACRON_METADATA.name] ?? server.name ?? '',
    provider: ctx.provider,
    providerKind: 'openstack',
    region: ctx.region,
    zone: server['OS-EXT-AZ:availability_zone'] || undefined,
    state,
    rawState: status,
    instanceType: flavor?.original_name ?? 'unknown',
    cpu: flavor?.vcpus,
    memoryGiB: flavor?.ram !== undefined ? flavor.ram / 1024 : undefined,
    spot: false,
    ...addressesOf(server),
    labels: labelsOf(server.metadata),
    image: server.metadata?.[NOVACRON_METADATA.image] ?? (imageId || undefined),
    createdAt: server.created ?? new Date(0).toISOString(),
    hourlyPrice: ctx.hourlyPrice,
    stateReason: stateReasonOf(server, state),
  };
}

function stateReasonOf(server: NovaServer, state: VMState): string | undefined {
  if (server.fault?.message) return server.fault.message;
  if (server.status === 'SHELVED_OFFLOADED') return 'shelved and offloaded from its host';
  if (server.status === 'RESCUE') return 'booted into a rescue image';
  return state === 'unknown' ? `Nova status ${server.status ?? 'UNKNOWN'}` : undefined;
}

/** The same VM, terminated: what the adapter reports after deleting it. */
export function terminatedCopy(vm: VM): VM {
  return { ...vm, state: 'terminated', rawState: 'DELETED', privateIps: [], publicIps: [], stateReason: vm.stateReason ?? 'deleted' };
}
