import { describe, expect, it } from 'vitest';
import { FederationManager, type PlacementRefusedError } from '../../src/federation/index.js';
import type { Offer } from '../../src/index.js';
import { cloud, EAST, EU, offer, WEST } from './fixtures.js';

const need = { name: 'app', cpu: 2, memory: 8 } as const;

/** `count` offers that fit `need`, all cheaper than anything a test looks for, in families m0 … m6. */
function cheaper(kind: string, count: number, region = 'east-1'): Offer[] {
  return Array.from({ length: count }, (_, i) => offer(kind, region, `m${i % 7}.size${i}`, 2 + (i % 3), 8, 0.01 + i * 1e-5));
}

// A search that keeps asking the index for offers it then throws away never returns: these
// tests fail by timing out (the decisions themselves take milliseconds).
const HANG = 10_000;

describe('placement: restrictions the index applies', () => {
  it('a provider’s instance families, behind more than 1,000 cheaper fitting offers', { timeout: HANG }, async () => {
    const aws = cloud('aws-east', 'aws', [EAST], [...cheaper('aws', 1200), offer('aws', 'east-1', 'r7i.large', 2, 16, 0.2), offer('aws', 'east-1', 'r7i.xlarge', 4, 32, 0.4)]);
    const manager = new FederationManager({ providers: [{ provider: aws, defaults: { instanceFamilies: ['r7i'] } }] });
    for (const strategy of ['cost-optimized', 'balanced', 'performance', 'carbon'] as const) {
      const d = await manager.place(need, { request: { strategy } });
      expect(d.chosen.instanceType).toBe('r7i.large');
    }
    const explained = await manager.place(need, { request: { strategy: 'cost-optimized' }, explain: true });
    expect(explained.ranked.every((c) => c.instanceType.startsWith('r7i.'))).toBe(true);
  });

  it('each provider’s own families when providers differ', { timeout: HANG }, async () => {
    const aws = cloud('aws-east', 'aws', [EAST], [...cheaper('aws', 1100), offer('aws', 'east-1', 'r7i.large', 2, 16, 0.3)]);
    const gcp = cloud('gcp-main', 'gcp', [WEST], [...cheaper('gcp', 1100, 'west-1'), offer('gcp', 'west-1', 'n2-standard-2', 2, 8, 0.25)]);
    const azure = cloud('azure-main', 'azure', [EU], [offer('azure', 'eu-1', 'Standard_D2s_v5', 2, 8, 0.5)]);
    const manager = new FederationManager({
      providers: [
        { provider: aws, defaults: { instanceFamilies: ['r7i'] } },
        { provider: gcp, defaults: { instanceFamilies: ['n2'] } },
        { provider: azure },
      ],
    });
    const d = await manager.place(need, { request: { strategy: 'cost-optimized' }, explain: true });
    expect([d.chosen.provider, d.chosen.instanceType]).toEqual(['gcp-main', 'n2-standard-2']);
    const byProvider = new Map(d.ranked.map((c) => [c.provider, c.instanceType]));
    expect(byProvider).toEqual(new Map([['gcp-main', 'n2-standard-2'], ['aws-east', 'r7i.large'], ['azure-main', 'Standard_D2s_v5']]));
    const onlyAws = await manager.place(need, { request: { constraints: [{ type: 'provider', operator: 'in', values: ['aws-east'] }] } });
    expect(onlyAws.chosen.instanceType).toBe('r7i.large');
  });

  it('the spec’s instance type, behind more than 1,000 cheaper fitting offers, and through createVM', { timeout: HANG }, async () => {
    const aws = cloud('aws-east', 'aws', [EAST], [...cheaper('aws', 1500), offer('aws', 'east-1', 'r7i.large', 2, 16, 0.2)]);
    const manager = new FederationManager({ providers: [aws] });
    const d = await manager.place({ ...need, instanceType: 'r7i.large' }, { request: { strategy: 'performance' } });
    expect(d.chosen.instanceType).toBe('r7i.large');
    const created = await manager.createVM({ ...need, instanceType: 'r7i.large' });
    expect(created.vm.instanceType).toBe('r7i.large');
    const refused = await manager.place({ ...need, instanceType: 'r8i.large' }).catch((e: unknown) => e);
    expect((refused as PlacementRefusedError).name).toBe('PlacementRefusedError');
  });

  it('architecture: x86 unless the spec says otherwise, however cheap arm64 is', async () => {
    const aws = cloud('aws-east', 'aws', [EAST], [
      offer('aws', 'east-1', 'm7g.large', 2, 8, 0.08, { arch: 'arm64' }),
      offer('aws', 'east-1', 'm7i.large', 2, 8, 0.1),
      offer('aws', 'east-1', 'c7g.large', 2, 8, 0.07, { arch: 'arm64' }),
    ]);
    const manager = new FederationManager({ providers: [aws] });
    for (const strategy of ['cost-optimized', 'balanced'] as const) {
      const d = await manager.place(need, { request: { strategy }, explain: true });
      expect(d.chosen.instanceType).toBe('m7i.large');
      expect(d.ranked.every((c) => c.offer.arch === 'x86_64')).toBe(true);
    }
    expect((await manager.place({ ...need, arch: 'arm64' })).chosen.instanceType).toBe('c7g.large');
    expect((await manager.place({ ...need, arch: 'any' })).chosen.instanceType).toBe('c7g.large');
    expect((await manager.place({ ...need, arch: ['x86_64'] })).chosen.instanceType).toBe('m7i.large');
  });

  it('GPUs: at least the count by default, exactly the count with exact', async () => {
    const aws = cloud('aws-east', 'aws', [EAST], [
      offer('aws', 'east-1', 'g.2x', 8, 32, 0.9, { gpu: { model: 't4', count: 2 } }),
      offer('aws', 'east-1', 'g.1x', 8, 32, 1.1, { gpu: { model: 't4', count: 1 } }),
      offer('aws', 'east-1', 'g.4x', 8, 32, 0.8, { gpu: { model: 't4', count: 4 } }),
    ]);
    const manager = new FederationManager({ providers: [aws] });
    expect((await manager.place({ ...need, gpu: { count: 1, type: 't4' } })).chosen.instanceType).toBe('g.4x');
    const exact = await manager.place({ ...need, gpu: { count: 2, type: 't4', exact: true } }, { request: { strategy: 'cost-optimized' }, explain: true });
    expect(exact.chosen.instanceType).toBe('g.2x');
    expect(exact.ranked.map((c) => c.instanceType)).toEqual(['g.2x']);
    expect((await manager.place({ ...need, gpu: { count: 1, exact: true } })).chosen.instanceType).toBe('g.1x');
  });
});
