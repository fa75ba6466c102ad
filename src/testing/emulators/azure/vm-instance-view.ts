/**
 * A VM as GET returns it: the stored body, plus `properties.instanceView` with `$expand=instanceView`
 * (and in `statusOnly=true` lists), plus `properties.userData` with `$expand=userData`. The
 * instance view's statuses are `ProvisioningState/{state}` (`ProvisioningState/failed/{code}`
 * with level `Error` when the last operation failed) and `PowerState/{state}` with display texts
 * `VM running`, `VM deallocated`, ... (ComputeRP stable/2024-07-01 `VirtualMachine_Get_InstanceView.json`
 * and the VM states page, learn.microsoft.com "States and billing status of Azure Virtual
 * Machines", read 2026-12).
 */
import type { ArmInstanceViewStatus, ArmVirtualMachine, ArmVirtualMachineInstanceView } from './arm-shapes.js';
import type { VirtualMachineRecord } from './arm-state.js';

const PROVISIONING_TEXT: Readonly<Record<string, string>> = {
  succeeded: 'Provisioning succeeded',
  creating: 'Creating',
  updating: 'Updating',
  deleting: 'Deleting',
  failed: 'Provisioning failed',
};

/** The provisioning status of a VM's instance view. */
function provisioningStatus(record: VirtualMachineRecord): ArmInstanceViewStatus {
  const state = record.body.properties.provisioningState.toLowerCase();
  if (state === 'failed' && record.failure) {
    return { code: `ProvisioningState/failed/${record.failure.code}`, level: 'Error', displayStatus: 'Provisioning failed', message: record.failure.message, time: record.powerTime };
  }
  return { code: `ProvisioningState/${state}`, level: 'Info', displayStatus: PROVISIONING_TEXT[state] ?? state, time: record.powerTime };
}

/** The instance view of a VM. */
export function instanceViewOf(record: VirtualMachineRecord): ArmVirtualMachineInstanceView {
  const { body } = record;
  const os = body.properties.storageProfile.osDisk;
  return {
    ...(body.properties.osProfile ? { computerName: body.properties.osProfile.computerName } : {}),
    hyperVGeneration: record.hyperVGeneration,
    disks: [{ name: os.name, statuses: [{ code: 'ProvisioningState/succeeded', level: 'Info', displayStatus: 'Provisioning succeeded', time: body.properties.timeCreated }] }],
    statuses: [provisioningStatus(record), { code: `PowerState/${record.power}`, level: 'Info', displayStatus: `VM ${record.power}` }],
  };
}

/** What a GET or list asks to include. */
export interface VmRenderOptions {
  /** Include `properties.instanceView`. */
  readonly instanceView?: boolean | undefined;
  /** Include `properties.userData`. */
  readonly userData?: boolean | undefined;
}

/** A VM as ARM returns it. */
export function renderVirtualMachine(record: VirtualMachineRecord, options: VmRenderOptions = {}): ArmVirtualMachine {
  const body = structuredClone(record.body);
  if (!options.userData) delete body.properties.userData;
  if (options.instanceView) body.properties.instanceView = instanceViewOf(record);
  return body;
}
