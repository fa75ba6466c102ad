/**
 * Resource SKUs → sizes per zone: restrictions remove a size from a zone or the whole location,
 * capabilities give vCPUs, memory, GPUs, architecture, premium storage and Spot.
 */
import type { ResourceSku } from '@azure/arm-compute';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { gpuModelOf, sizeFactsOf } from '../../../src/providers/azure/offer-catalog.js';

function sku(name: string, extra: Partial<ResourceSku> & { caps?: Record<string, string> } = {}): ResourceSku {
  const { caps, ...rest } = extra;
  return {
    resourceType: 'virtualMachines',
    name,
    locations: ['westus2'],
    locationInfo: [{ location: 'westus2', zones: ['1', '2', '3'] }],
    capabilities: Object.entries({ vCPUs: '2', MemoryGB: '8', PremiumIO: 'True', LowPriorityCapable: 'True', CpuArchitectureType: 'x64', HyperVGenerations: 'V1,V2', ...caps }).map(([n, value]) => ({ name: n, value })),
    restrictions: [],
    ...rest,
  };
}

describe('Resource SKUs → size facts', () => {
  it('reads the capabilities', () => {
    expect(sizeFactsOf(sku('Standard_D2ps_v5', { caps: { CpuArchitectureType: 'Arm64', PremiumIO: 'False', LowPriorityCapable: 'False' } }), 'westus2')).toEqual({
      name: 'Standard_D2ps_v5',
      vcpus: 2,
      memoryGiB: 8,
      arch: 'arm64',
      gpu: undefined,
      premiumIO: false,
      spotCapable: false,
      hyperVGenerations: ['V1', 'V2'],
      zones: ['1', '2', '3'],
    });
    expect(sizeFactsOf(sku('Standard_NC4as_T4_v3', { caps: { GPUs: '1', vCPUs: '4', MemoryGB: '28' } }), 'westus2')).toMatchObject({ gpu: { model: 't4', count: 1 }, vcpus: 4, memoryGiB: 28 });
  });

  it('drops the zones a Zone restriction names, and the size when every zone or the location is restricted', () => {
    const zoneRestricted = sku('Standard_E2s_v5', { restrictions: [{ type: 'Zone', values: ['westus2'], restrictionInfo: { locations: ['westus2'], zones: ['2'] }, reasonCode: 'NotAvailableForSubscription' }] });
    expect(sizeFactsOf(zoneRestricted, 'westus2')).toMatchObject({ zones: ['1', '3'] });
    const allZones = sku('Standard_E4s_v5', { restrictions: [{ type: 'Zone', values: ['westus2'], restrictionInfo: { locations: ['westus2'], zones: ['1', '2', '3'] } }] });
    expect(sizeFactsOf(allZones, 'westus2')).toBe('restricted');
    const location = sku('Standard_M8ms', { restrictions: [{ type: 'Location', values: ['westus2'], restrictionInfo: { locations: ['westus2'] }, reasonCode: 'NotAvailableForSubscription' }] });
    expect(sizeFactsOf(location, 'westus2')).toBe('restricted');
    // A restriction of another location changes nothing here.
    expect(sizeFactsOf(sku('Standard_M8ms', { restrictions: [{ type: 'Location', values: ['eastus'], restrictionInfo: { locations: ['eastus'] } }] }), 'westus2')).toMatchObject({ zones: ['1', '2', '3'] });
  });

  it('keeps a size without zones region-wide, and ignores what is not a VM size', () => {
    expect(sizeFactsOf(sku('Standard_B2s', { locationInfo: [{ location: 'westus2', zones: [] }] }), 'westus2')).toMatchObject({ zones: [] });
    expect(sizeFactsOf({ ...sku('Premium_LRS'), resourceType: 'disks' }, 'westus2')).toBeUndefined();
    expect(sizeFactsOf(sku('Standard_X', { caps: { vCPUs: 'n/a' } }), 'westus2')).toBeUndefined();
  });

  it('never lists a zone a restriction names, whatever the restrictions', () => {
    fc.assert(
      fc.property(fc.subarray(['1', '2', '3']), fc.subarray(['1', '2', '3']), (zones, restricted) => {
        const facts = sizeFactsOf(sku('Standard_D2s_v5', { locationInfo: [{ location: 'westus2', zones }], restrictions: [{ type: 'Zone', values: ['westus2'], restrictionInfo: { zones: restricted } }] }), 'westus2');
        const left = zones.filter((z) => !restricted.includes(z));
        if (zones.length > 0 && left.length === 0) expect(facts).toBe('restricted');
        else expect(facts).toMatchObject({ zones: left.sort() });
      }),
    );
  });

  it('names GPU models from the size names', () => {
    expect(gpuModelOf('Standard_NC24ads_A100_v4')).toBe('a100');
    expect(gpuModelOf('Standard_ND96isr_H100_v5')).toBe('h100');
    expect(gpuModelOf('Standard_NV36ads_A10_v5')).toBe('a10');
    expect(gpuModelOf('Standard_NC6s_v3')).toBe('v100');
    expect(gpuModelOf('Standard_NV12s_v3')).toBe('m60');
    expect(gpuModelOf('Standard_D2s_v5')).toBe('unknown');
  });
});
