/**
 * Removing what a VM's create made: its NIC, its public IP and its OS disk, and nothing else.
 *
 * A resource is removed only when it proves it is novacron's and this VM's: its tags say so
 * (`novacron:managed` and `novacron:vm`, see `tags.ts`), or, for the OS disk Azure makes from the
 * image (which takes no tags from the VM body), it is the disk the novacron VM itself named, read
 * from the VM before the VM was deleted. A resource that merely has a matching name, or that a
 * user attached, is left alone. The VM's NIC and OS disk are also created with
 * `deleteOption: Delete`, so Azure removes them with the VM; a resource already gone is fine.
 *
 * Order: NIC (it holds the public IP), then the public IP, then the disk (free once the VM is
 * gone). Each step is retried on retryable errors; what still cannot be removed is reported as an
 * `operation.failed` event naming it, never thrown: the VM itself is deleted.
 */
import type { VirtualMachine } from '@azure/arm-compute';
import type { ErrorCause } from '../../provider/errors.js';
import { NovacronError } from '../../provider/errors.js';
import type { EventBus } from '../../provider/events.js';
import { withRetry } from '../../provider/retry.js';
import type { AzureApi, AzureClients } from './azure-api.js';
import { namesOfVm } from './naming.js';
import type { AzurePoller, AzurePollers } from './pollers.js';
import { lastSegment, resourceId, sameResource, type ResourceScope } from './resource-id.js';
import { isOwnedBy, NOVACRON_TAG } from './tags.js';
import type { VmReader } from './vm-reader.js';

/** What is known of the VM's resources from the VM itself (read before its delete). */
export interface KnownResources {
  /** NIC ids of the VM. */
  readonly nicIds: readonly string[];
  /** The OS disk id, when the VM (a novacron one) made it from an image. */
  readonly imageOsDiskId: string | undefined;
}

type Kind = 'nic' | 'publicIp' | 'disk';

/** What a resource says of itself: its tags and, for a NIC, its public IPs. */
interface ResourceFacts {
  readonly tags: Readonly<Record<string, string>> | undefined;
  readonly publicIpIds: readonly string[];
}

/** HTTP status of an SDK error. */
export function statusOf(error: unknown): number | undefined {
  const s = (error as { statusCode?: unknown } | null)?.statusCode;
  return typeof s === 'number' ? s : undefined;
}

/** Removes the resources of deleted VMs. */
export class OwnedResources {
  /** Keeps what removals need. */
  constructor(
    private readonly api: AzureApi,
    private readonly pollers: AzurePollers,
    private readonly scope: ResourceScope,
    private readonly providerName: string,
    private readonly events: EventBus,
    private readonly reader: VmReader,
  ) {}

  /**
   * Deletes the VM resource (when there is one) and waits for it to be gone; answers what it knew
   * of the VM's NICs and OS disk, for their removal.
   */
  async deleteVirtualMachine(name: string, known: VirtualMachine | undefined, signal?: AbortSignal): Promise<KnownResources> {
    const vm = known ?? (await this.reader.get(name, 'deleteVM', signal));
    const resources: KnownResources = {
      nicIds: (vm?.networkProfile?.networkInterfaces ?? []).flatMap((n) => (n.id ? [n.id] : [])),
      imageOsDiskId:
        vm?.tags?.[NOVACRON_TAG.managed] === 'true' && vm.storageProfile?.osDisk?.createOption?.toLowerCase() === 'fromimage' ? vm.storageProfile.osDisk.managedDisk?.id : undefined,
    };
    if (!vm) return resources;
    const vmId = resourceId(this.scope, 'Microsoft.Compute/virtualMachines', name);
    await this.api.run({ operation: 'deleteVM', resourceType: 'vm', resourceId: vmId, mutating: true }, signal, async ({ compute }) => {
      try {
        await this.pollers.wait(compute.virtualMachines.delete(this.scope.resourceGroup, name, { updateIntervalInMs: this.pollers.pollIntervalMs, abortSignal: signal }), { signal, resourceId: vmId, what: `the delete of ${vmId}` });
      } catch (error) {
        if (statusOf(error) !== 404) throw error;
      }
    });
    return resources;
  }

  /** Removes the NIC, public IP and OS disk of VM `vm` that are novacron's and this VM's. */
  async removeFor(vm: string, known: KnownResources | undefined): Promise<void> {
    const names = namesOfVm(vm);
    const nicIds = unique([...(known?.nicIds ?? []), resourceId(this.scope, 'Microsoft.Network/networkInterfaces', names.nic)]);
    const publicIpIds = [resourceId(this.scope, 'Microsoft.Network/publicIPAddresses', names.publicIp)];
    for (const nicId of nicIds) {
      const nic = await this.step(`NIC ${nicId}`, () => this.facts('nic', nicId));
      if (!nic || !isOwnedBy(nic.tags, vm)) continue;
      publicIpIds.push(...nic.publicIpIds);
      await this.step(`NIC ${nicId}`, () => this.remove('nic', nicId));
    }
    for (const ipId of unique(publicIpIds)) {
      const ip = await this.step(`public IP ${ipId}`, () => this.facts('publicIp', ipId));
      if (ip && isOwnedBy(ip.tags, vm)) await this.step(`public IP ${ipId}`, () => this.remove('publicIp', ipId));
    }
    const diskId = resourceId(this.scope, 'Microsoft.Compute/disks', names.osDisk);
    const disk = await this.step(`disk ${diskId}`, () => this.facts('disk', diskId));
    if (disk && (isOwnedBy(disk.tags, vm) || sameResource(known?.imageOsDiskId, diskId))) await this.step(`disk ${diskId}`, () => this.remove('disk', diskId));
  }

  /** A resource's tags (and a NIC's public IPs); `undefined` when it does not exist. */
  private facts(kind: Kind, id: string): Promise<ResourceFacts | undefined> {
    const name = lastSegment(id);
    const rg = this.scope.resourceGroup;
    return this.api.run({ operation: 'deleteVM', resourceType: kind, resourceId: id }, undefined, async ({ compute, network }) => {
      try {
        if (kind === 'disk') return { tags: (await compute.disks.get(rg, name)).tags, publicIpIds: [] };
        if (kind === 'publicIp') return { tags: (await network.publicIPAddresses.get(rg, name)).tags, publicIpIds: [] };
        const nic = await network.networkInterfaces.get(rg, name);
        return { tags: nic.tags, publicIpIds: (nic.ipConfigurations ?? []).flatMap((c) => (c.publicIPAddress?.id ? [c.publicIPAddress.id] : [])) };
      } catch (error) {
        if (statusOf(error) === 404) return undefined;
        throw error;
      }
    });
  }

  /** Deletes a resource and waits for it to be gone; one already gone is fine. */
  private remove(kind: Kind, id: string): Promise<void> {
    const name = lastSegment(id);
    const rg = this.scope.resourceGroup;
    const options = { updateIntervalInMs: this.pollers.pollIntervalMs };
    const start = ({ compute, network }: AzureClients): AzurePoller<void> =>
      kind === 'disk' ? compute.disks.delete(rg, name, options) : kind === 'publicIp' ? network.publicIPAddresses.delete(rg, name, options) : network.networkInterfaces.delete(rg, name, options);
    return this.api.run({ operation: 'deleteVM', resourceType: kind, resourceId: id, mutating: true }, undefined, async (clients) => {
      try {
        await this.pollers.wait(start(clients), { what: `delete of ${id}`, resourceId: id });
      } catch (error) {
        if (statusOf(error) !== 404) throw error;
      }
    });
  }

  /** One step, retried on retryable errors; a step that still fails is reported and answers `undefined`. */
  private async step<T>(what: string, fn: () => Promise<T>): Promise<T | undefined> {
    try {
      return await withRetry(fn, { operation: 'deleteVM.cleanup', provider: this.providerName, events: this.events, maxAttempts: 4, baseDelayMs: 100 });
    } catch (error) {
      this.events.publish('operation.failed', {
        provider: this.providerName,
        operation: 'deleteVM.cleanup',
        errorCode: NovacronError.isInstance(error) ? ((error.cause as ErrorCause | undefined)?.code ?? error.code) : 'Unknown',
        message: `could not remove ${what}; delete it by hand: ${error instanceof Error ? error.message : String(error)}`,
      });
      return undefined;
    }
  }
}

function unique(ids: readonly string[]): string[] {
  const seen = new Map<string, string>();
  for (const id of ids) if (!seen.has(id.toLowerCase())) seen.set(id.toLowerCase(), id);
  return [...seen.values()];
}
