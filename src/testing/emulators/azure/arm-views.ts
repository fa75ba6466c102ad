/**
 * Read-only views of what the emulator stores, so tests can prove wire bodies: each resource as
 * ARM returns it on GET (VMs with their instance view), frozen copies that cannot change the
 * emulator's state. Secrets stay out: a VM's `adminPassword` is never kept; `customData` (which
 * ARM does not return on GET) is visible only through {@link ArmStateViews.virtualMachineWrite}.
 */
import type { ArmOperationStatus } from './async-operations.js';
import type {
  ArmDisk,
  ArmNetworkInterface,
  ArmNetworkSecurityGroup,
  ArmPublicIPAddress,
  ArmResourceGroup,
  ArmSnapshot,
  ArmVirtualMachine,
  ArmVirtualNetwork,
} from './arm-shapes.js';
import type { ArmState } from './arm-state.js';
import { renderDisk, renderSnapshot } from './managed-disks.js';
import type { JsonObject } from './request-body.js';
import { idKey, resourceId } from './resource-id.js';
import { renderVirtualMachine } from './vm-instance-view.js';

/** A deeply read-only value. */
export type DeepReadonly<T> = T extends (infer U)[] ? readonly DeepReadonly<U>[] : T extends object ? { readonly [K in keyof T]: DeepReadonly<T[K]> } : T;

/** What a VM's last accepted PUT wrote, secrets aside. */
export interface VirtualMachineWrite {
  /** The PUT body as sent, without `adminPassword`. */
  readonly body: DeepReadonly<JsonObject>;
  /** Whether an admin password was set (its value is never kept). */
  readonly passwordSet: boolean;
  /** `osProfile.customData` as sent (base64). */
  readonly customData: string | undefined;
  /** Power state now. */
  readonly powerState: string;
  /** True after a spot eviction deallocated it. */
  readonly evicted: boolean;
}

function frozen<T>(value: T): DeepReadonly<T> {
  const copy = structuredClone(value);
  const freeze = (v: unknown): void => {
    if (typeof v !== 'object' || v === null || Object.isFrozen(v)) return;
    Object.freeze(v);
    for (const child of Object.values(v)) freeze(child);
  };
  freeze(copy);
  return copy as DeepReadonly<T>;
}

/** Read-only views of the emulated subscription. */
export class ArmStateViews {
  /**
   * Views of `state`; bare names resolve in `defaultGroup`. Made by the emulator (`emu.state`).
   *
   * @internal
   */
  constructor(
    private readonly state: ArmState,
    private readonly defaultGroup: string,
  ) {}

  private key(idOrName: string, fullType: string): string {
    return idKey(idOrName.startsWith('/') ? idOrName : resourceId(this.state.subscriptionId, this.defaultGroup, fullType, idOrName));
  }

  private values<T extends { id: string }>(items: Iterable<T>, group: string | undefined): T[] {
    const prefix = group === undefined ? undefined : idKey(`/subscriptions/${this.state.subscriptionId}/resourceGroups/${group}/`);
    return [...items].filter((i) => prefix === undefined || idKey(i.id).startsWith(prefix));
  }

  /** Resource groups. */
  resourceGroups(): DeepReadonly<ArmResourceGroup>[] {
    return [...this.state.resourceGroups.values()].map(frozen);
  }

  /** A VM (by id, or by name in the seeded group) with its instance view. */
  virtualMachine(idOrName: string): DeepReadonly<ArmVirtualMachine> | undefined {
    this.state.advance();
    const vm = this.state.virtualMachines.get(this.key(idOrName, 'Microsoft.Compute/virtualMachines'));
    return vm ? frozen(renderVirtualMachine(vm, { instanceView: true, userData: true })) : undefined;
  }

  /** Every VM (of one resource group when given), with instance views. */
  virtualMachines(resourceGroup?: string): DeepReadonly<ArmVirtualMachine>[] {
    this.state.advance();
    return this.values([...this.state.virtualMachines.values()].map((v) => renderVirtualMachine(v, { instanceView: true, userData: true })), resourceGroup).map(frozen);
  }

  /** What a VM's last accepted PUT wrote (without the password), with `customData`. */
  virtualMachineWrite(idOrName: string): VirtualMachineWrite | undefined {
    this.state.advance();
    const vm = this.state.virtualMachines.get(this.key(idOrName, 'Microsoft.Compute/virtualMachines'));
    return vm ? { body: frozen(vm.lastWrite), passwordSet: vm.passwordSet, customData: vm.customData, powerState: vm.power, evicted: vm.evicted } : undefined;
  }

  /** A NIC. */
  networkInterface(idOrName: string): DeepReadonly<ArmNetworkInterface> | undefined {
    const nic = this.state.networkInterfaces.get(this.key(idOrName, 'Microsoft.Network/networkInterfaces'));
    return nic ? frozen(nic.body) : undefined;
  }

  /** Every NIC (of one resource group when given). */
  networkInterfaces(resourceGroup?: string): DeepReadonly<ArmNetworkInterface>[] {
    return this.values([...this.state.networkInterfaces.values()].map((n) => n.body), resourceGroup).map(frozen);
  }

  /** A public IP. */
  publicIPAddress(idOrName: string): DeepReadonly<ArmPublicIPAddress> | undefined {
    const ip = this.state.publicIPAddresses.get(this.key(idOrName, 'Microsoft.Network/publicIPAddresses'));
    return ip ? frozen(ip) : undefined;
  }

  /** Every public IP (of one resource group when given). */
  publicIPAddresses(resourceGroup?: string): DeepReadonly<ArmPublicIPAddress>[] {
    return this.values(this.state.publicIPAddresses.values(), resourceGroup).map(frozen);
  }

  /** Every virtual network. */
  virtualNetworks(resourceGroup?: string): DeepReadonly<ArmVirtualNetwork>[] {
    return this.values(this.state.virtualNetworks.values(), resourceGroup).map(frozen);
  }

  /** Every NSG. */
  networkSecurityGroups(resourceGroup?: string): DeepReadonly<ArmNetworkSecurityGroup>[] {
    return this.values(this.state.networkSecurityGroups.values(), resourceGroup).map(frozen);
  }

  /** A managed disk. */
  disk(idOrName: string): DeepReadonly<ArmDisk> | undefined {
    const disk = this.state.disks.get(this.key(idOrName, 'Microsoft.Compute/disks'));
    return disk ? frozen(renderDisk(this.state, disk)) : undefined;
  }

  /** Every managed disk (of one resource group when given). */
  disks(resourceGroup?: string): DeepReadonly<ArmDisk>[] {
    return this.values([...this.state.disks.values()].map((d) => renderDisk(this.state, d)), resourceGroup).map(frozen);
  }

  /** A snapshot. */
  snapshot(idOrName: string): DeepReadonly<ArmSnapshot> | undefined {
    const snapshot = this.state.snapshots.get(this.key(idOrName, 'Microsoft.Compute/snapshots'));
    return snapshot ? frozen(renderSnapshot(this.state, snapshot)) : undefined;
  }

  /** Every snapshot. */
  snapshots(resourceGroup?: string): DeepReadonly<ArmSnapshot>[] {
    return this.values([...this.state.snapshots.values()].map((s) => renderSnapshot(this.state, s)), resourceGroup).map(frozen);
  }

  /** Every asynchronous operation, oldest first. */
  operations(): DeepReadonly<ArmOperationStatus>[] {
    return this.state.operations.list().map(frozen);
  }
}
