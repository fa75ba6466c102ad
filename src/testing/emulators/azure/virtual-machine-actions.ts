/**
 * VM power actions and deletion. `POST .../start`, `/powerOff` (`skipShutdown`), `/deallocate`,
 * `/restart` answer 202 with `Location` and `Azure-AsyncOperation`; the power state passes
 * through `starting` / `stopping` / `deallocating` and settles when the operation ends ("stopped"
 * keeps the VM allocated and billed, "deallocated" releases it; learn.microsoft.com "States and
 * billing status of Azure Virtual Machines", read 2026-12). An action the VM's state does not
 * allow is 409 `OperationNotAllowed` "Operation '{action}' is not allowed on VM '{vm}' since the VM
 * is {state}." (compute RP wording as quoted in Azure SDK issue threads, read 2026-12). Starting a
 * deallocated VM allocates it again, so capacity and quota apply (`ZonalAllocationFailed` and
 * `AllocationFailed` end the operation `Failed`).
 *
 * `DELETE` (with `forceDeletion`) answers 202 with both headers, or 204 for a VM that does not
 * exist; when it ends, the OS disk and the NICs whose `deleteOption` is `Delete` are deleted, the
 * others detached (a detached NIC stays reserved for the deleted VM for `nicReservationMs`).
 * Spot eviction applies the VM's eviction policy at once.
 */
import { ArmError } from './arm-error.js';
import { asyncAnswer, type ArmAnswer, type ArmCall } from './arm-call.js';
import type { ArmState, PowerState, VirtualMachineRecord } from './arm-state.js';
import { unlink } from './network-interface-handlers.js';
import { idKey, resourceId } from './resource-id.js';
import { allocate, checkQuotas } from './vm-allocation.js';
import { vmOf } from './virtual-machine-reads.js';

type PowerAction = 'start' | 'powerOff' | 'deallocate' | 'restart';

function notAllowed(action: PowerAction, vm: VirtualMachineRecord, why: string): ArmError {
  return new ArmError(409, 'OperationNotAllowed', `Operation '${action}' is not allowed on VM '${vm.body.name}' since the VM is ${why}.`);
}

function checkActionAllowed(action: PowerAction, vm: VirtualMachineRecord): void {
  const provisioning = vm.body.properties.provisioningState;
  if (provisioning === 'Creating') throw notAllowed(action, vm, 'being created');
  if (provisioning === 'Deleting') throw notAllowed(action, vm, 'marked for deletion');
  if ((action === 'powerOff' || action === 'restart') && (vm.power === 'deallocated' || vm.power === 'deallocating')) throw notAllowed(action, vm, 'deallocated or marked to be deallocated');
  if (action === 'restart' && (vm.power === 'stopped' || vm.power === 'stopping')) throw notAllowed(action, vm, 'stopped');
}

const TRANSITIONS: Readonly<Record<PowerAction, readonly [PowerState, PowerState]>> = {
  start: ['starting', 'running'],
  powerOff: ['stopping', 'stopped'],
  deallocate: ['deallocating', 'deallocated'],
  restart: ['starting', 'running'],
};

function powerAction(call: ArmCall, action: PowerAction): ArmAnswer {
  const state = call.state;
  const vm = vmOf(call);
  checkActionAllowed(action, vm);
  if (action === 'deallocate' && call.request.query.get('hibernate') === 'true') {
    throw new ArmError(409, 'OperationNotAllowed', `Hibernation is not enabled on VM '${vm.body.name}'. Enable it with additionalCapabilities.hibernationEnabled before hibernating.`);
  }
  let failure;
  const wasDeallocated = vm.power === 'deallocated';
  if (action === 'start' && wasDeallocated) {
    const spot = vm.body.properties.priority !== undefined && vm.body.properties.priority !== 'Regular';
    const ask = { vmId: vm.body.id, vmName: vm.body.name, size: vm.body.properties.hardwareProfile.vmSize, location: vm.body.location, zones: vm.body.zones ?? [], spot, maxPrice: vm.body.properties.billingProfile?.maxPrice, operationName: 'StartVM' };
    checkQuotas(state, call.world.faults, ask, vm.vcpus);
    failure = allocate(state, call.world.faults, ask, false);
  }
  const [during, after] = TRANSITIONS[action];
  const before = vm.power;
  vm.power = during;
  vm.powerTime = state.isoNow();
  return asyncAnswer(
    call,
    {
      kind: call.operation,
      provider: 'compute',
      location: vm.body.location,
      target: vm.body.id,
      failure,
      effect: () => {
        vm.power = after;
        vm.evicted = false;
        vm.powerTime = state.isoNow();
        return undefined;
      },
      onFailed: () => {
        vm.power = wasDeallocated ? 'deallocated' : before;
        vm.powerTime = state.isoNow();
      },
    },
    { status: 202, withLocation: true },
  );
}

/** POST start. */
export const startVirtualMachine = (call: ArmCall): ArmAnswer => powerAction(call, 'start');
/** POST powerOff. */
export const powerOffVirtualMachine = (call: ArmCall): ArmAnswer => powerAction(call, 'powerOff');
/** POST deallocate. */
export const deallocateVirtualMachine = (call: ArmCall): ArmAnswer => powerAction(call, 'deallocate');
/** POST restart. */
export const restartVirtualMachine = (call: ArmCall): ArmAnswer => powerAction(call, 'restart');

/** Removes a VM and applies the delete options of its NICs and OS disk. */
export function removeVirtualMachine(state: ArmState, vm: VirtualMachineRecord): void {
  state.virtualMachines.delete(idKey(vm.body.id));
  for (const ref of vm.body.properties.networkProfile.networkInterfaces) {
    const nic = state.networkInterfaces.get(idKey(ref.id));
    if (!nic) continue;
    if (ref.properties?.deleteOption === 'Delete') {
      unlink(state, nic.body);
      state.networkInterfaces.delete(idKey(ref.id));
      continue;
    }
    delete nic.body.properties.virtualMachine;
    delete nic.body.properties.primary;
    if (state.nicReservationMs > 0) {
      nic.reservedUntil = state.clock.now() + state.nicReservationMs;
      nic.reservedFor = vm.body.id;
    }
  }
  const os = vm.body.properties.storageProfile.osDisk;
  const disk = state.disks.get(idKey(os.managedDisk.id));
  if (!disk) return;
  if (os.deleteOption === 'Delete') state.disks.delete(idKey(os.managedDisk.id));
  else delete disk.body.managedBy;
}

/** DELETE a VM. */
export function deleteVirtualMachine(call: ArmCall): ArmAnswer {
  const state = call.state;
  const group = call.group();
  const vm = state.virtualMachines.get(idKey(resourceId(state.subscriptionId, group.name, 'Microsoft.Compute/virtualMachines', call.param('vmName'))));
  if (!vm) return { status: 204 };
  const force = call.request.query.get('forceDeletion');
  if (force !== null && force !== 'true' && force !== 'false') throw new ArmError(400, 'InvalidParameter', `The value '${force}' of parameter 'forceDeletion' is not a boolean.`, { target: 'forceDeletion' });
  vm.body.properties.provisioningState = 'Deleting';
  vm.power = force === 'true' ? 'deallocating' : 'stopping';
  vm.powerTime = state.isoNow();
  return asyncAnswer(
    call,
    {
      kind: call.operation,
      provider: 'compute',
      location: vm.body.location,
      target: vm.body.id,
      runningMs: force === 'true' ? 0 : undefined,
      effect: () => {
        removeVirtualMachine(state, vm);
        return undefined;
      },
    },
    { status: 202, withLocation: true },
  );
}

/** Evicts a spot VM now, as Azure does when it needs the capacity back. */
export function evictSpotVirtualMachine(state: ArmState, vmId: string): void {
  const vm = state.virtualMachines.get(idKey(vmId));
  if (!vm) throw new Error(`[novacron] [arm-emulator] no VM ${vmId}`);
  const priority = vm.body.properties.priority;
  if (priority === undefined || priority === 'Regular') throw new Error(`[novacron] [arm-emulator] ${vmId} is not an Azure Spot VM`);
  if (vm.body.properties.evictionPolicy === 'Delete') {
    removeVirtualMachine(state, vm);
    return;
  }
  vm.power = 'deallocated';
  vm.evicted = true;
  vm.powerTime = state.isoNow();
}
