/**
 * Reading VMs with their power state and addresses, without one call per VM.
 *
 * - One VM: `GET .../virtualMachines/{name}?$expand=instanceView` (power and provisioning state in
 *   the same answer), then its NICs and their public IPs.
 * - Many VMs: `GET .../resourceGroups/{rg}/providers/Microsoft.Compute/virtualMachines?$expand=instanceView`
 *   paged with `nextLink` (every page carries each VM's instance view; api-version 2026-04-01 as
 *   @azure/arm-compute 25 sends it), and the resource group's NICs and public IPs, paged the same
 *   way, read once per listing and joined by id: a listing costs pages, never calls per VM.
 */
import type { VirtualMachine } from '@azure/arm-compute';
import type { NetworkInterface, PublicIPAddress } from '@azure/arm-network';
import type { AzureApi } from './azure-api.js';
import { statusOf } from './owned-resources.js';
import { lastSegment, type ResourceScope } from './resource-id.js';
import type { AddressBook } from './state-mapping.js';

/** Reads VMs of one resource group. */
export class VmReader {
  /** Keeps the API and the scope. */
  constructor(
    private readonly api: AzureApi,
    private readonly scope: ResourceScope,
  ) {}

  /** The VM called `name` with its instance view; `undefined` when Azure has none. */
  get(name: string, operation: string, signal: AbortSignal | undefined): Promise<VirtualMachine | undefined> {
    return this.api.run({ operation, resourceType: 'vm', resourceId: name }, signal, async ({ compute }) => {
      try {
        return await compute.virtualMachines.get(this.scope.resourceGroup, name, { expand: 'instanceView', abortSignal: signal });
      } catch (error) {
        if (statusOf(error) === 404) return undefined;
        throw error;
      }
    });
  }

  /** The addresses of one VM: its NICs, then their public IPs. */
  async addressesOf(vm: VirtualMachine, signal: AbortSignal | undefined): Promise<AddressBook> {
    const nics = new Map<string, { privateIps: string[]; publicIpIds: string[] }>();
    const publicIps = new Map<string, string>();
    await this.api.run({ operation: 'getVM', resourceType: 'nic' }, signal, async ({ network }) => {
      for (const ref of vm.networkProfile?.networkInterfaces ?? []) {
        if (!ref.id) continue;
        let nic: NetworkInterface;
        try {
          nic = await network.networkInterfaces.get(this.scope.resourceGroup, lastSegment(ref.id), { abortSignal: signal });
        } catch (error) {
          if (statusOf(error) === 404) continue;
          throw error;
        }
        const entry = nicEntry(nic);
        nics.set(ref.id.toLowerCase(), entry);
        for (const ipId of entry.publicIpIds) {
          try {
            const ip = await network.publicIPAddresses.get(this.scope.resourceGroup, lastSegment(ipId), { abortSignal: signal });
            if (ip.ipAddress) publicIps.set(ipId.toLowerCase(), ip.ipAddress);
          } catch (error) {
            if (statusOf(error) !== 404) throw error;
          }
        }
      }
    });
    return { nics, publicIps };
  }

  /** Every NIC and public IP of the resource group, paged. */
  async addressBook(signal: AbortSignal | undefined): Promise<AddressBook> {
    const [nicList, ipList] = await Promise.all([
      this.api.run({ operation: 'listVMs', resourceType: 'nic' }, signal, async ({ network }) => {
        const out: NetworkInterface[] = [];
        for await (const page of network.networkInterfaces.list(this.scope.resourceGroup, { abortSignal: signal }).byPage()) out.push(...page);
        return out;
      }),
      this.api.run({ operation: 'listVMs', resourceType: 'publicIp' }, signal, async ({ network }) => {
        const out: PublicIPAddress[] = [];
        for await (const page of network.publicIPAddresses.list(this.scope.resourceGroup, { abortSignal: signal }).byPage()) out.push(...page);
        return out;
      }),
    ]);
    const nics = new Map<string, { privateIps: string[]; publicIpIds: string[] }>();
    for (const nic of nicList) if (nic.id) nics.set(nic.id.toLowerCase(), nicEntry(nic));
    const publicIps = new Map<string, string>();
    for (const ip of ipList) if (ip.id && ip.ipAddress) publicIps.set(ip.id.toLowerCase(), ip.ipAddress);
    return { nics, publicIps };
  }

  /** The resource group's VMs with their instance views, one page (one call) at a time. */
  async *pages(signal: AbortSignal | undefined): AsyncIterable<VirtualMachine[]> {
    const { compute } = await this.api.clients();
    const iterator = compute.virtualMachines.list(this.scope.resourceGroup, { expand: 'instanceView', abortSignal: signal }).byPage()[Symbol.asyncIterator]();
    for (;;) {
      const step = await this.api.run({ operation: 'listVMs' }, signal, () => iterator.next());
      if (step.done) return;
      yield step.value;
    }
  }
}

function nicEntry(nic: NetworkInterface): { privateIps: string[]; publicIpIds: string[] } {
  const privateIps: string[] = [];
  const publicIpIds: string[] = [];
  for (const c of nic.ipConfigurations ?? []) {
    if (c.privateIPAddress) privateIps.push(c.privateIPAddress);
    if (c.publicIPAddress?.id) publicIpIds.push(c.publicIPAddress.id);
  }
  return { privateIps, publicIpIds };
}
