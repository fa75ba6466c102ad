/**
 * Reading VMs: GET (with `$expand=instanceView` or `userData`), GET `/instanceView`, and the lists
 * per resource group, per subscription (`statusOnly=true` puts each VM's instance view inline, so
 * power states cost no call per VM) and per location (ComputeRP stable/2024-07-01
 * `VirtualMachines_Get`, `_InstanceView`, `_List`, `_ListAll`, `_ListByLocation`, read 2026-12).
 * An unknown `$expand` is 400 `InvalidParameter`; a `$filter` the emulator does not evaluate is
 * refused rather than ignored, so a client never gets more than it asked for (that wording is
 * the emulator's; `$filter` on these lists takes only scale-set ids on Azure).
 */
import { ArmError, invalidParameter } from './arm-error.js';
import { resourceNotFound, type ArmAnswer, type ArmCall } from './arm-call.js';
import type { VirtualMachineRecord } from './arm-state.js';
import { pagedList } from './list-paging.js';
import { idKey, resourceId } from './resource-id.js';
import { instanceViewOf, renderVirtualMachine, type VmRenderOptions } from './vm-instance-view.js';

const VM_TYPE = 'Microsoft.Compute/virtualMachines';

/** The route's VM, or ARM's 404. */
export function vmOf(call: ArmCall): VirtualMachineRecord {
  const group = call.group();
  const name = call.param('vmName');
  const vm = call.state.virtualMachines.get(idKey(resourceId(call.state.subscriptionId, group.name, VM_TYPE, name)));
  if (!vm) throw resourceNotFound(VM_TYPE, name, group.name);
  return vm;
}

function expandOf(call: ArmCall, allowed: readonly string[]): VmRenderOptions {
  const expand = call.request.query.get('$expand');
  if (expand === null) return {};
  const match = allowed.find((a) => a.toLowerCase() === expand.toLowerCase());
  if (!match) throw invalidParameter('$expand', `The value '${expand}' of parameter '$expand' is not valid. Allowed values are '${allowed.join(', ')}'.`);
  return { instanceView: match === 'instanceView', userData: match === 'userData' };
}

function refuseFilter(call: ArmCall): void {
  const filter = call.request.query.get('$filter');
  if (filter !== null && filter !== '') {
    throw new ArmError(400, 'InvalidParameter', `The value '${filter}' of parameter '$filter' is not supported by the ARM emulator.`, { target: '$filter' });
  }
}

/** GET a VM. */
export function getVirtualMachine(call: ArmCall): ArmAnswer {
  return { status: 200, body: renderVirtualMachine(vmOf(call), expandOf(call, ['instanceView', 'userData'])) };
}

/** GET a VM's instance view. */
export function getInstanceView(call: ArmCall): ArmAnswer {
  return { status: 200, body: instanceViewOf(vmOf(call)) };
}

/** GET the VMs of a resource group. */
export function listVirtualMachines(call: ArmCall): ArmAnswer {
  const group = call.group();
  refuseFilter(call);
  const options = expandOf(call, ['instanceView']);
  const prefix = idKey(`${group.id}/providers/${VM_TYPE}/`);
  const vms = [...call.state.virtualMachines.entries()].filter(([k]) => k.startsWith(prefix)).map(([, v]) => v);
  return pagedList(call, vms, (vm) => renderVirtualMachine(vm, options));
}

/** GET the VMs of the subscription. */
export function listAllVirtualMachines(call: ArmCall): ArmAnswer {
  refuseFilter(call);
  const statusOnly = call.request.query.get('statusOnly');
  if (statusOnly !== null && statusOnly !== 'true' && statusOnly !== 'false') throw invalidParameter('statusOnly', `The value '${statusOnly}' of parameter 'statusOnly' is not a boolean.`);
  const options = { ...expandOf(call, ['instanceView']), ...(statusOnly === 'true' ? { instanceView: true } : {}) };
  return pagedList(call, [...call.state.virtualMachines.values()], (vm) => renderVirtualMachine(vm, options));
}

/** GET the VMs of the subscription in one location. */
export function listVirtualMachinesByLocation(call: ArmCall): ArmAnswer {
  const location = call.param('location').toLowerCase();
  return pagedList(
    call,
    [...call.state.virtualMachines.values()].filter((vm) => vm.body.location === location),
    (vm) => renderVirtualMachine(vm),
  );
}
