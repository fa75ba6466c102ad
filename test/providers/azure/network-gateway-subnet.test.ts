/**
 * Where the Azure companion puts a GatewaySubnet (`chooseGatewaySubnet`), checked against a plain
 * reference that tries every aligned block from the top of each range: the fast search (which
 * jumps past used subnets) gives the same answer, and the answer is an aligned block of the asked
 * size inside the VNet that overlaps no used subnet. Plus the companion's options schema.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { blockSize, cidrContains, cidrsOverlap, formatCidr, parseCidr } from '../../../src/provider/cidr.js';
import { InvalidSpecError } from '../../../src/provider/errors.js';
import { chooseGatewaySubnet } from '../../../src/providers/azure/network-gateway-subnet.js';
import { networkSettings } from '../../../src/providers/azure/network-options.js';
import { thrownBy } from '../../helpers.js';

/** Every aligned block, top of each range first: the slow and obvious answer. */
function reference(spaces: readonly string[], used: readonly string[], prefix: number): string | undefined {
  const taken = used.map((u) => parseCidr(u, { lenient: true }));
  const size = blockSize(4, prefix);
  for (const text of spaces) {
    const space = parseCidr(text, { lenient: true });
    if (space.prefix > prefix) continue;
    for (let start = space.last + 1n - size; start >= space.first; start -= size) {
      const block = parseCidr(formatCidr(4, start, prefix));
      if (!taken.some((t) => cidrsOverlap(t, block))) return block.text;
    }
  }
  return undefined;
}

/** A VNet range of 10.x.0.0/16–/26 and subnets carved inside it (some overlapping each other, as the search must not care). */
const layout = fc
  .record({ second: fc.integer({ min: 0, max: 255 }), spacePrefix: fc.integer({ min: 20, max: 26 }), prefix: fc.integer({ min: 26, max: 29 }) })
  .chain(({ second, spacePrefix, prefix }) => {
    const space = parseCidr(`10.${second}.0.0/${spacePrefix}`);
    const span = Number(space.last - space.first + 1n);
    const subnet = fc.record({ offset: fc.integer({ min: 0, max: span - 1 }), length: fc.integer({ min: Math.max(spacePrefix, 24), max: 30 }) }).map(({ offset, length }) => {
      const start = ((space.first + BigInt(offset)) / blockSize(4, length)) * blockSize(4, length);
      return formatCidr(4, start, length);
    });
    return fc.record({ spaces: fc.constant([space.text]), used: fc.array(subnet, { maxLength: 12 }), prefix: fc.constant(prefix) });
  });

describe('chooseGatewaySubnet', () => {
  it('takes the top /27 of a free range, and the highest free one below used subnets', () => {
    expect(chooseGatewaySubnet(['10.0.0.0/24'], [], 27)).toBe('10.0.0.224/27');
    expect(chooseGatewaySubnet(['10.0.0.0/24'], ['10.0.0.192/26'], 27)).toBe('10.0.0.160/27');
    expect(chooseGatewaySubnet(['10.0.0.0/24'], ['10.0.0.0/25', '10.0.0.128/26', '10.0.0.224/27'], 27)).toBe('10.0.0.192/27');
    expect(chooseGatewaySubnet(['10.0.0.0/27'], ['10.0.0.0/28'], 27)).toBeUndefined();
    expect(chooseGatewaySubnet(['10.0.0.0/28', '10.1.0.0/24'], [], 27)).toBe('10.1.0.224/27');
  });

  it('agrees with the block-by-block reference, and answers an aligned free block inside the network', () => {
    fc.assert(
      fc.property(layout, ({ spaces, used, prefix }) => {
        const chosen = chooseGatewaySubnet(spaces, used, prefix);
        expect(chosen).toBe(reference(spaces, used, prefix));
        if (chosen === undefined) return;
        const block = parseCidr(chosen);
        expect(block.prefix).toBe(prefix);
        expect(spaces.some((s) => cidrContains(parseCidr(s), block))).toBe(true);
        expect(used.some((u) => cidrsOverlap(parseCidr(u), block))).toBe(false);
      }),
      { numRuns: 400 },
    );
  });
});

describe('network options', () => {
  it('applies the defaults: VpnGw1, Generation1, active-standby, a /27 GatewaySubnet', () => {
    expect(networkSettings(undefined)).toEqual({ gatewaySku: 'VpnGw1', gatewayGeneration: 'Generation1', activeActive: false, gatewaySubnetPrefix: 27 });
    expect(networkSettings({ gatewaySku: 'VpnGw4AZ' }).gatewayGeneration).toBe('Generation2');
  });

  it('names each bad field', () => {
    const error = thrownBy(() => networkSettings({ gatewaySku: 'Basic', gatewaySubnetPrefix: 30, activeActive: 'yes' as never }));
    expect(InvalidSpecError.isInstance(error)).toBe(true);
    expect((error as InvalidSpecError).issues.map((i) => i.field).sort()).toEqual(['network.activeActive', 'network.gatewaySku', 'network.gatewaySubnetPrefix']);
    const generation = thrownBy(() => networkSettings({ gatewaySku: 'VpnGw5', gatewayGeneration: 'Generation1' }));
    expect((generation as InvalidSpecError).issues[0]!.field).toBe('network.gatewayGeneration');
    expect((thrownBy(() => networkSettings({ gatewaySkew: 'VpnGw1' } as never)) as InvalidSpecError).issues[0]!.field).toMatch(/network/);
  });
});
