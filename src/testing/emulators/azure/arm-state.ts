/**
 * The emulated subscription: its resource groups and resources, each stored as the ARM JSON a
 * GET returns (see `arm-shapes.ts`) beside the little the emulator keeps for itself (a VM's power
 * state, a NIC's reservation after its VM was deleted, what a PUT wrote). Maps are keyed by the
 * lower-cased resource id, as ARM ids are case-insensitive. Time-driven changes (an operation
 * finishing, a power state settling) happen lazily in {@link ArmState.advance}, on the kit's
 * lifecycle clock.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { LifecycleClock } from '../kit/lifecycle-clock.js';
import type { ArmAsyncOperations } from './async-operations.js';
import type { DiskContents } from './disk-contents.js';
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
import type { JsonObject } from './request-body.js';
import { idKey, resourceGroupId } from './resource-id.js';
import type { LinkedStorageAccounts } from './storage-accounts.js';
import type { VhdBlobs } from './vhd-blobs.js';
import type { VmSizeCatalog } from './vm-size-catalog.js';

/** A VM's power state, as `PowerState/{state}` reports it. */
export type PowerState = 'starting' | 'running' | 'stopping' | 'stopped' | 'deallocating' | 'deallocated';

/** A VM as the emulator keeps it. */
export interface VirtualMachineRecord {
  /** The ARM JSON (without `instanceView`). */
  body: ArmVirtualMachine;
  /** Power state. */
  power: PowerState;
  /** When the power state last changed (ISO 8601). */
  powerTime: string;
  /** The error its last operation ended with (provisioning state `Failed`). */
  failure: { code: string; message: string } | undefined;
  /** The last accepted PUT body, `adminPassword` removed. */
  lastWrite: JsonObject;
  /** Whether a password was set (ARM never returns it). */
  passwordSet: boolean;
  /** `osProfile.customData` as sent (ARM does not return it on GET). */
  customData: string | undefined;
  /** vCPUs of its size, for quotas. */
  vcpus: number;
  /** Quota family of its size. */
  family: string;
  /** Hyper-V generation it boots with. */
  hyperVGeneration: string;
  /** True when evicted as a spot VM (its instance view says so). */
  evicted: boolean;
}

/** A NIC as the emulator keeps it. */
export interface NetworkInterfaceRecord {
  /** The ARM JSON. */
  body: ArmNetworkInterface;
  /** After its VM was deleted, the NIC stays reserved for it until then (epoch ms). */
  reservedUntil: number | undefined;
  /** The VM it is reserved for. */
  reservedFor: string | undefined;
}

/** A disk as the emulator keeps it. */
export interface DiskRecord {
  /** The ARM JSON. */
  body: ArmDisk;
}

/** What {@link ArmState} is made of. */
export interface ArmStateOptions {
  /** Subscription id. */
  readonly subscriptionId: string;
  /** Tenant id. */
  readonly tenantId: string;
  /** Locations the subscription can use. */
  readonly locations: readonly string[];
  /** The emulator's clock. */
  readonly clock: LifecycleClock;
  /** The sizes. */
  readonly catalog: VmSizeCatalog;
  /** Asynchronous operations. */
  readonly operations: ArmAsyncOperations;
  /** Disk import and export blobs. */
  readonly blobs: VhdBlobs;
  /** The guest bytes of disks and snapshots. */
  readonly contents: DiskContents;
  /** Storage accounts disk imports read from. */
  readonly storageAccounts: LinkedStorageAccounts;
  /** How long a NIC stays reserved for a deleted VM, ms (Azure: 180 s; 0 turns it off). */
  readonly nicReservationMs: number;
}

/** The emulated subscription. */
export class ArmState {
  /** Subscription id. */
  readonly subscriptionId: string;
  /** Tenant id. */
  readonly tenantId: string;
  /** Locations. */
  readonly locations: readonly string[];
  /** Clock. */
  readonly clock: LifecycleClock;
  /** Sizes. */
  readonly catalog: VmSizeCatalog;
  /** Asynchronous operations. */
  readonly operations: ArmAsyncOperations;
  /** Blobs. */
  readonly blobs: VhdBlobs;
  /** Guest bytes of disks and snapshots. */
  readonly contents: DiskContents;
  /** Storage accounts disk imports read from. */
  readonly storageAccounts: LinkedStorageAccounts;
  /** NIC reservation after VM deletion, ms. */
  readonly nicReservationMs: number;

  /** Resource groups. */
  readonly resourceGroups = new Map<string, ArmResourceGroup>();
  /** VMs. */
  readonly virtualMachines = new Map<string, VirtualMachineRecord>();
  /** NICs. */
  readonly networkInterfaces = new Map<string, NetworkInterfaceRecord>();
  /** Public IPs. */
  readonly publicIPAddresses = new Map<string, ArmPublicIPAddress>();
  /** Virtual networks (subnets inside). */
  readonly virtualNetworks = new Map<string, ArmVirtualNetwork>();
  /** NSGs. */
  readonly networkSecurityGroups = new Map<string, ArmNetworkSecurityGroup>();
  /** Managed disks. */
  readonly disks = new Map<string, DiskRecord>();
  /** Snapshots. */
  readonly snapshots = new Map<string, ArmSnapshot>();

  private publicIpCounter = 0;
  private readonly privateIpCounters = new Map<string, number>();

  /** An empty subscription. */
  constructor(options: ArmStateOptions) {
    this.subscriptionId = options.subscriptionId;
    this.tenantId = options.tenantId;
    this.locations = options.locations;
    this.clock = options.clock;
    this.catalog = options.catalog;
    this.operations = options.operations;
    this.blobs = options.blobs;
    this.contents = options.contents;
    this.storageAccounts = options.storageAccounts;
    this.nicReservationMs = options.nicReservationMs;
  }

  /** Applies every change that is due (finished operations). Called before each request. */
  advance(): void {
    this.operations.settleDue();
  }

  /** The resource group named `name`, case-insensitively. */
  resourceGroup(name: string): ArmResourceGroup | undefined {
    return this.resourceGroups.get(idKey(resourceGroupId(this.subscriptionId, name)));
  }

  /** Adds (or replaces) a resource group. */
  putResourceGroup(name: string, location: string, tags?: Record<string, string>): ArmResourceGroup {
    const existing = this.resourceGroup(name);
    const group: ArmResourceGroup = {
      id: existing?.id ?? resourceGroupId(this.subscriptionId, name),
      name: existing?.name ?? name,
      type: 'Microsoft.Resources/resourceGroups',
      location: existing?.location ?? location,
      ...(tags ? { tags } : {}),
      properties: { provisioningState: 'Succeeded' },
    };
    this.resourceGroups.set(idKey(group.id), group);
    return group;
  }

  /** The ISO time now, as ARM writes times. */
  isoNow(): string {
    return new Date(this.clock.now()).toISOString();
  }

  /** A network entity tag (`W/"{guid}"`). */
  networkEtag(): string {
    return `W/"${randomUUID()}"`;
  }

  /** A new public IPv4 address, in 20.0.0.0/8 (a range Azure assigns public IPs from). */
  nextPublicIp(): string {
    const n = ++this.publicIpCounter;
    return `20.${(n >> 16) & 255}.${(n >> 8) & 255}.${(n & 255) || 1}`;
  }

  /**
   * A new private address in a subnet (`10.0.0.0/24` → `10.0.0.4` first: Azure reserves the first
   * four addresses of every subnet; learn.microsoft.com "Azure Virtual Network FAQ", read 2026-12).
   */
  nextPrivateIp(subnetId: string, addressPrefix: string): string {
    const key = idKey(subnetId);
    const n = (this.privateIpCounters.get(key) ?? 3) + 1;
    this.privateIpCounters.set(key, n);
    const [base] = addressPrefix.split('/');
    const octets = (base ?? '10.0.0.0').split('.').map(Number);
    const value = (((octets[0]! << 24) >>> 0) + (octets[1]! << 16) + (octets[2]! << 8) + octets[3]! + n) >>> 0;
    return [value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255].join('.');
  }

  /** A MAC address as Azure writes it: Microsoft's OUI 00-0D-3A, dash-separated, upper case (as NIC GETs show it). */
  nextMacAddress(): string {
    return ['00', '0D', '3A', ...[...randomBytes(3)].map((b) => b.toString(16).padStart(2, '0').toUpperCase())].join('-');
  }
}
