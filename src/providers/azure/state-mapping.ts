/**
 * Azure VM → portable {@link VM}. A VM's state in Azure is two statuses of its instance view: the
 * provisioning state (`ProvisioningState/creating`, `/succeeded`, `/failed/<code>`, `/deleting`,
 * ...) and the power state (`PowerState/starting`, `/running`, `/stopping`, `/stopped`,
 * `/deallocating`, `/deallocated`, `/unknown`) (Azure "States and billing status of Azure Virtual
 * Machines", learn.microsoft.com/azure/virtual-machines/states-billing, read 2026-12).
 *
 * "Stopped" and "deallocated" stay apart: a stopped VM keeps its hardware and is still billed
 * for compute; a deallocated one is not. `rawState` keeps Azure's own code.
 */
import type { InstanceViewStatus, VirtualMachine } from '@azure/arm-compute';
import type { HourlyPrice, VM, VMState } from '../../provider/types.js';
import { NOVACRON_TAG, labelsOf } from './tags.js';

const POWER_STATES: Readonly<Record<string, VMState>> = {
  starting: 'pending',
  running: 'running',
  stopping: 'stopping',
  stopped: 'stopped',
  deallocating: 'stopping',
  deallocated: 'deallocated',
  unknown: 'unknown',
};

/** The power and provisioning codes among a VM's instance-view statuses. */
export interface VmStatusCodes {
  /** `running`, `deallocated`, ... (after `PowerState/`), when present. */
  readonly power: string | undefined;
  /** `succeeded`, `creating`, `failed`, ... (after `ProvisioningState/`), when present. */
  readonly provisioning: string | undefined;
  /** The provisioning status of a failure: its code after `failed/` and its message. */
  readonly failure: { readonly code: string | undefined; readonly message: string | undefined } | undefined;
}

/** Reads the codes out of instance-view statuses. */
export function statusCodesOf(statuses: readonly InstanceViewStatus[] | undefined): VmStatusCodes {
  let power: string | undefined;
  let provisioning: string | undefined;
  let failure: VmStatusCodes['failure'];
  for (const status of statuses ?? []) {
    const code = status.code ?? '';
    if (code.startsWith('PowerState/')) power = code.slice('PowerState/'.length).toLowerCase();
    else if (code.startsWith('ProvisioningState/')) {
      const rest = code.slice('ProvisioningState/'.length);
      const [state, detail] = rest.split('/', 2) as [string, string | undefined];
      provisioning = state.toLowerCase();
      if (provisioning === 'failed') failure = { code: detail, message: status.message ?? status.displayStatus };
    }
  }
  return { power, provisioning, failure };
}

/**
 * The normalized state from Azure's two states: deleting and failed provisioning win, then the
 * power state; a VM still being created without a power state is `pending`.
 */
export function vmStateOf(provisioningState: string | undefined, codes: VmStatusCodes): VMState {
  const provisioning = (codes.provisioning ?? provisioningState ?? '').toLowerCase();
  if (provisioning === 'deleting') return 'terminating';
  if (provisioning === 'failed') return 'error';
  if (codes.power !== undefined) {
    const state = POWER_STATES[codes.power] ?? 'unknown';
    // A VM still being created reports `running` as soon as it has a host; it is not ready yet.
    return provisioning === 'creating' && state === 'running' ? 'pending' : state;
  }
  if (provisioning === 'creating' || provisioning === 'updating' || provisioning === 'migrating') return 'pending';
  return 'unknown';
}

/** Azure's own word for the state: the power state code, or the provisioning one when there is none. */
export function rawStateOf(provisioningState: string | undefined, codes: VmStatusCodes): string {
  if (codes.provisioning === 'failed' || codes.provisioning === 'deleting') return `ProvisioningState/${codes.provisioning}`;
  if (codes.power !== undefined) return `PowerState/${codes.power}`;
  const provisioning = codes.provisioning ?? provisioningState?.toLowerCase();
  return provisioning !== undefined ? `ProvisioningState/${provisioning}` : 'unknown';
}

/** The normalized states that Azure power-state codes stand for (the inverse of the table above). */
export function powerStatesOf(state: VMState): string[] {
  return Object.entries(POWER_STATES)
    .filter(([, v]) => v === state)
    .map(([k]) => k);
}

/** Private and public addresses, found by NIC and public IP id (lower-cased). */
export interface AddressBook {
  /** NIC id → its private addresses and the ids of its public IPs. */
  readonly nics: ReadonlyMap<string, { readonly privateIps: readonly string[]; readonly publicIpIds: readonly string[] }>;
  /** Public IP id → its address. */
  readonly publicIps: ReadonlyMap<string, string>;
}

/** The addresses of a VM, through its NICs. */
export function addressesOf(vm: VirtualMachine, book: AddressBook | undefined): { privateIps: string[]; publicIps: string[] } {
  const privateIps = new Set<string>();
  const publicIps = new Set<string>();
  for (const ref of vm.networkProfile?.networkInterfaces ?? []) {
    const nic = ref.id ? book?.nics.get(ref.id.toLowerCase()) : undefined;
    for (const ip of nic?.privateIps ?? []) privateIps.add(ip);
    for (const id of nic?.publicIpIds ?? []) {
      const address = book?.publicIps.get(id.toLowerCase());
      if (address) publicIps.add(address);
    }
  }
  return { privateIps: [...privateIps], publicIps: [...publicIps] };
}

/** Size facts used to fill `VM.cpu` and `VM.memoryGiB`. */
export interface SizeFactsLike {
  /** vCPUs. */
  readonly vcpus: number;
  /** Memory in GiB. */
  readonly memoryGiB: number;
}

/** Context for {@link azureVmToVM}. */
export interface AzureVmToVMContext {
  /** Provider name. */
  readonly provider: string;
  /** Facts of its size, when the catalog knows them. */
  readonly size?: SizeFactsLike | undefined;
  /** Its hourly price, when the catalog knows it. */
  readonly hourlyPrice?: HourlyPrice | undefined;
  /** Addresses by NIC and public IP. */
  readonly addresses?: AddressBook | undefined;
}

/** The image a VM was made from, as a URN or id, when its storage profile says. */
function imageOf(vm: VirtualMachine): string | undefined {
  const ref = vm.storageProfile?.imageReference;
  if (!ref) return undefined;
  if (ref.publisher && ref.offer && ref.sku) return `${ref.publisher}:${ref.offer}:${ref.sku}:${ref.version ?? 'latest'}`;
  return ref.id ?? ref.sharedGalleryImageId ?? ref.communityGalleryImageId;
}

/** Why a VM is in `error`, in Azure's words. */
function stateReasonOf(codes: VmStatusCodes): string | undefined {
  if (!codes.failure) return undefined;
  return [codes.failure.code, codes.failure.message].filter((x) => x !== undefined && x !== '').join(': ') || 'provisioning failed';
}

/** Converts an Azure VM (with its instance view, when read with one) into a {@link VM}. */
export function azureVmToVM(vm: VirtualMachine, ctx: AzureVmToVMContext): VM {
  const codes = statusCodesOf(vm.instanceView?.statuses);
  const tags = vm.tags ?? {};
  const { privateIps, publicIps } = addressesOf(vm, ctx.addresses);
  return {
    id: vm.id ?? '',
    name: tags[NOVACRON_TAG.name] ?? vm.name ?? '',
    provider: ctx.provider,
    providerKind: 'azure',
    region: vm.location ?? '',
    zone: vm.zones?.[0],
    state: vmStateOf(vm.provisioningState, codes),
    rawState: rawStateOf(vm.provisioningState, codes),
    instanceType: vm.hardwareProfile?.vmSize ?? 'unknown',
    cpu: ctx.size?.vcpus,
    memoryGiB: ctx.size?.memoryGiB,
    spot: vm.priority === 'Spot' || vm.priority === 'Low',
    privateIps,
    publicIps,
    labels: labelsOf(tags),
    image: tags[NOVACRON_TAG.image] ?? imageOf(vm),
    createdAt: (vm.timeCreated instanceof Date && !Number.isNaN(vm.timeCreated.getTime()) ? vm.timeCreated : new Date(0)).toISOString(),
    hourlyPrice: ctx.hourlyPrice,
    stateReason: stateReasonOf(codes),
  };
}

/** A VM as `terminated`: what the adapter reports for one it deleted, after Azure has forgotten it. */
export function terminatedCopy(vm: VM): VM {
  return { ...vm, state: 'terminated', rawState: 'deleted', privateIps: [], publicIps: [] };
}
