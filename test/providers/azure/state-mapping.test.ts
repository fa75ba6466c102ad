/** Azure's two states → the normalized one: "stopped" (still billed) and "deallocated" stay apart. */
import { describe, expect, it } from 'vitest';
import { azureVmToVM, powerStatesOf, rawStateOf, statusCodesOf, vmStateOf } from '../../../src/providers/azure/state-mapping.js';
import { NOVACRON_TAG } from '../../../src/providers/azure/tags.js';

const codes = (...c: string[]) => statusCodesOf(c.map((code) => ({ code })));

describe('Azure VM states', () => {
  it.each([
    [['ProvisioningState/succeeded', 'PowerState/running'], 'running', 'PowerState/running'],
    [['ProvisioningState/succeeded', 'PowerState/stopped'], 'stopped', 'PowerState/stopped'],
    [['ProvisioningState/succeeded', 'PowerState/deallocated'], 'deallocated', 'PowerState/deallocated'],
    [['ProvisioningState/updating', 'PowerState/deallocating'], 'stopping', 'PowerState/deallocating'],
    [['ProvisioningState/updating', 'PowerState/stopping'], 'stopping', 'PowerState/stopping'],
    [['ProvisioningState/updating', 'PowerState/starting'], 'pending', 'PowerState/starting'],
    [['ProvisioningState/creating'], 'pending', 'ProvisioningState/creating'],
    [['ProvisioningState/creating', 'PowerState/running'], 'pending', 'PowerState/running'],
    [['ProvisioningState/deleting', 'PowerState/running'], 'terminating', 'ProvisioningState/deleting'],
    [['ProvisioningState/failed/AllocationFailed', 'PowerState/deallocated'], 'error', 'ProvisioningState/failed'],
    [['ProvisioningState/succeeded', 'PowerState/unknown'], 'unknown', 'PowerState/unknown'],
  ] as const)('%j → %s', (statuses, state, raw) => {
    expect(vmStateOf(undefined, codes(...statuses))).toBe(state);
    expect(rawStateOf(undefined, codes(...statuses))).toBe(raw);
  });

  it('falls back to the model\'s provisioningState when the VM was read without its instance view', () => {
    expect(vmStateOf('Creating', codes())).toBe('pending');
    expect(vmStateOf('Deleting', codes())).toBe('terminating');
    expect(vmStateOf('Succeeded', codes())).toBe('unknown');
  });

  it('inverts the power-state table for state filters', () => {
    expect(powerStatesOf('stopping').sort()).toEqual(['deallocating', 'stopping']);
    expect(powerStatesOf('deallocated')).toEqual(['deallocated']);
  });

  it('reads a VM: name and image from novacron\'s tags, labels without them, addresses through its NIC, the failure as the reason', () => {
    const nicId = '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/networkInterfaces/nc-1-nic';
    const ipId = '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/publicIPAddresses/nc-1-ip';
    const vm = azureVmToVM(
      {
        id: '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/nc-1',
        name: 'nc-1',
        location: 'westus2',
        zones: ['2'],
        tags: { team: 'web', [NOVACRON_TAG.name]: 'web-1', [NOVACRON_TAG.image]: 'ubuntu-22.04', [NOVACRON_TAG.specHash]: 'h' },
        hardwareProfile: { vmSize: 'Standard_D2s_v5' },
        priority: 'Spot',
        networkProfile: { networkInterfaces: [{ id: nicId.toUpperCase() }] },
        timeCreated: new Date('2026-12-01T00:00:00Z'),
        instanceView: { statuses: [{ code: 'ProvisioningState/failed/ZonalAllocationFailed', message: 'no room in zone 2' }] },
      },
      {
        provider: 'azure-west',
        size: { vcpus: 2, memoryGiB: 8 },
        addresses: { nics: new Map([[nicId.toLowerCase(), { privateIps: ['10.0.0.4'], publicIpIds: [ipId] }]]), publicIps: new Map([[ipId.toLowerCase(), '20.1.2.3']]) },
      },
    );
    expect(vm).toMatchObject({ name: 'web-1', region: 'westus2', zone: '2', state: 'error', instanceType: 'Standard_D2s_v5', cpu: 2, memoryGiB: 8, spot: true, image: 'ubuntu-22.04', labels: { team: 'web' }, privateIps: ['10.0.0.4'], publicIps: ['20.1.2.3'], createdAt: '2026-12-01T00:00:00.000Z', stateReason: 'ZonalAllocationFailed: no room in zone 2', providerKind: 'azure' });
  });
});
