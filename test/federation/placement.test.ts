import { describe, expect, it } from 'vitest';
import { carbonGramsPerHour, createMemoryProvider } from '../../src/index.js';
import { parseVMSpec } from '../../src/provider-utils/index.js';
import { FederationManager, PlacementRefusedError, type Policy } from '../../src/federation/index.js';
import { cloud, EAST, EAST2, EU, offer, WEST } from './fixtures.js';
import { FEDERATION_YAML, VIRTUAL_MACHINE_YAML } from './spec-examples.js';

const need = { name: 'app', cpu: 2, memory: 4 } as const;

function threeClouds() {
  return [
    cloud('aws-east', 'aws', [EAST, WEST], [
      offer('aws', 'east-1', 'm.large', 2, 8, 0.1, { spotHourly: 0.03, spotInterruption: '5-10%' }),
      offer('aws', 'west-1', 'm.large', 2, 8, 0.09, { spotHourly: 0.02, spotInterruption: '>20%' }),
      offer('aws', 'east-1', 'c.xlarge', 4, 8, 0.17),
    ]),
    cloud('azure-main', 'azure', [EAST2, EU], [
      offer('azure', 'east-2', 'D2', 2, 8, 0.096, { spotHourly: 0.025, spotInterruption: '10-15%' }),
      offer('azure', 'eu-1', 'D2', 2, 8, 0.11),
    ]),
    cloud('gcp-main', 'gcp', [WEST], [offer('gcp', 'west-1', 'e2-standard-2', 2, 8, 0.067, { spotHourly: 0.02, spotInterruption: '<5%' })], {
      capabilities: { vpn: true },
    }),
  ];
}

async function decide(spec: object, request: object = {}, policies: Policy[] = [], providers = threeClouds()) {
  const manager = new FederationManager({ providers, policies });
  return manager.place(spec as never, { request: request as never });
}

describe('placement: strategies', () => {
  it('cost-optimized takes the cheapest fitting offer anywhere', async () => {
    const d = await decide(need, { strategy: 'cost-optimized' });
    expect([d.chosen.provider, d.chosen.region, d.chosen.instanceType]).toEqual(['gcp-main', 'west-1', 'e2-standard-2']);
    expect(d.chosen.components.cost).toBe(1);
  });

  it('balanced weighs cost 40%, performance 30%, compliance 20%, location 10%, and the score is exactly that', async () => {
    const d = await decide(need, { strategy: 'balanced' });
    expect(d.weights).toMatchObject({ cost: 0.4, performance: 0.3, compliance: 0.2, location: 0.1 });
    for (const c of d.ranked) {
      const expected = 0.4 * c.components.cost + 0.3 * c.components.performance + 0.2 * c.components.compliance + 0.1 * c.components.location;
      expect(c.score).toBeCloseTo(expected, 8);
    }
    expect(d.ranked.map((c) => c.score)).toEqual([...d.ranked.map((c) => c.score)].sort((a, b) => b - a));
  });

  it('performance prefers steady capacity: on-demand over spot, dedicated over burstable CPUs', async () => {
    const p = cloud('perf', 'aws', [EAST], [
      offer('aws', 'east-1', 't3.large', 2, 8, 0.0832, { spotHourly: 0.02, spotInterruption: '>20%' }),
      offer('aws', 'east-1', 'm5.large', 2, 8, 0.096, { spotHourly: 0.03, spotInterruption: '<5%' }),
    ]);
    const manager = new FederationManager({ providers: [{ provider: p, defaults: { spotEnabled: true } }] });
    const perf = await manager.place(need, { request: { strategy: 'performance' } });
    expect([perf.chosen.instanceType, perf.chosen.spot]).toEqual(['m5.large', false]);
    expect(perf.chosen.components.performance).toBe(1);
    const burstable = perf.ranked.find((c) => c.instanceType === 't3.large' && !c.spot)!;
    expect(burstable.components.performance).toBeCloseTo(0.8, 9);
    const volatile = perf.ranked.find((c) => c.instanceType === 't3.large' && c.spot)!;
    expect(volatile.components.performance).toBeCloseTo(0.85 * 0.75 * 0.8, 9);
    // Cost-optimized takes the cheap, volatile spot offer instead.
    const cheap = await manager.place(need, { request: { strategy: 'cost-optimized' } });
    expect([cheap.chosen.instanceType, cheap.chosen.spot]).toEqual(['t3.large', true]);
  });

  it('carbon picks the cleanest candidate when a carbon model is given', async () => {
    const grams: Record<string, number> = { 'east-1': 9, 'west-1': 1, 'east-2': 12, 'eu-1': 4 };
    const manager = new FederationManager({ providers: threeClouds(), carbon: (o) => grams[o.region]! * o.vcpus });
    const d = await manager.place(need, { request: { strategy: 'carbon' } });
    expect(d.chosen.region).toBe('west-1');
    expect(d.chosen.carbonGramsPerHour).toBe(2);
    expect(d.chosen.components.carbon).toBeGreaterThan(d.ranked.find((c) => c.region === 'east-2')!.components.carbon);
  });

  it('takes custom weights', async () => {
    const d = await decide(need, { strategy: 'balanced', weights: { cost: 0, performance: 0, compliance: 0, location: 0, carbon: 0 } });
    // All weights zero: every score is 0 and the tie-break (price, then names) decides.
    expect(d.ranked.every((c) => c.score === 0)).toBe(true);
    expect(d.chosen.instanceType).toBe('e2-standard-2');
  });

  it('breaks ties deterministically: price, then provider name, region, zone, type', async () => {
    const a = cloud('b-cloud', 'aws', [EAST], [offer('aws', 'east-1', 't', 2, 4, 0.05)]);
    const b = cloud('a-cloud', 'gcp', [EAST], [offer('gcp', 'east-1', 't', 2, 4, 0.05)]);
    const d = await decide(need, { strategy: 'cost-optimized' }, [], [a, b]);
    expect(d.chosen.provider).toBe('a-cloud');
    const again = await decide(need, { strategy: 'cost-optimized' }, [], [b, a]);
    expect(again.chosen.provider).toBe('a-cloud');
  });
});

describe('placement: hard constraints', () => {
  it('provider in / notIn, by kind or by name', async () => {
    const d = await decide(need, { strategy: 'cost-optimized', constraints: [{ type: 'provider', operator: 'in', values: ['aws', 'azure'] }] });
    expect(['aws-east', 'azure-main']).toContain(d.chosen.provider);
    expect(d.ranked.some((c) => c.provider === 'gcp-main')).toBe(false);
    expect(d.rejected.find((r) => r.provider === 'gcp-main')?.reason).toMatch(/not in \[aws, azure\]/);
    const n = await decide(need, { strategy: 'cost-optimized', constraints: [{ type: 'provider', operator: 'notIn', values: ['gcp-main'] }] });
    expect(n.chosen.provider).not.toBe('gcp-main');
  });

  it('region in / notIn', async () => {
    const d = await decide(need, { strategy: 'cost-optimized', constraints: [{ type: 'region', operator: 'in', values: ['eu-1'] }] });
    expect(d.chosen.region).toBe('eu-1');
    const n = await decide(need, { strategy: 'cost-optimized', constraints: [{ type: 'region', operator: 'notIn', values: ['west-1'] }] });
    expect(n.ranked.every((c) => c.region !== 'west-1')).toBe(true);
  });

  it('region near within a latency bound, with the figure and its source in the explanation', async () => {
    const d = await decide(need, { strategy: 'cost-optimized', constraints: [{ type: 'region', operator: 'near', value: 'east-1', maxLatencyMs: 10 }] });
    expect(['east-1', 'east-2']).toContain(d.chosen.region);
    expect(d.ranked.every((c) => c.latencyMs! <= 10)).toBe(true);
    const far = d.rejected.find((r) => r.region === 'west-1' && r.provider === 'gcp-main');
    expect(far?.reason).toMatch(/ms from east-1 \(great-circle-distance-model\), above 10 ms/);
  });

  it('near without a bound only feeds the location score', async () => {
    const d = await decide(need, { strategy: 'balanced', weights: { cost: 0.1, location: 0.9, performance: 0, compliance: 0 }, constraints: [{ type: 'region', operator: 'near', value: 'eu-1' }] });
    expect(d.chosen.region).toBe('eu-1');
    expect(d.ranked.length).toBeGreaterThan(1);
  });

  it('zone in', async () => {
    const d = await decide({ ...need, region: 'east-1' }, { strategy: 'cost-optimized', constraints: [{ type: 'zone', operator: 'in', values: ['east-1b'] }] });
    expect(d.chosen.zone).toBe('east-1b');
  });

  it('cost under a maximum, explaining the candidates it turns down', async () => {
    const d = await decide({ ...need, cpu: 4, memory: 8 }, { strategy: 'cost-optimized', constraints: [{ type: 'cost', operator: '<', value: 0.2 }] });
    expect(d.chosen.hourlyPrice).toBeLessThan(0.2);
    const refused = await decide({ ...need, cpu: 4, memory: 8 }, { spot: 'forbid', constraints: [{ type: 'cost', operator: '<', value: 0.1 }] }).catch((e: unknown) => e);
    expect(PlacementRefusedError.isInstance(refused)).toBe(true);
    expect((refused as PlacementRefusedError).explanation).toMatch(/c\.xlarge: \$0\.17\/h is not < \$0\.1\/h/);
  });

  it('capabilities required by a constraint', async () => {
    const d = await decide(need, { constraints: [{ type: 'capability', operator: 'has', values: ['vpn'] }] });
    expect(d.chosen.provider).toBe('gcp-main');
    expect(d.rejected.find((r) => r.provider === 'aws-east')?.reason).toMatch(/lacks vpn/);
  });

  it('GPUs: only GPU offers, and never GPU offers for CPU work', async () => {
    const withGpu = cloud('gpu-cloud', 'aws', [EAST], [
      offer('aws', 'east-1', 'g.xlarge', 4, 16, 0.5, { gpu: { model: 't4', count: 1 } }),
      offer('aws', 'east-1', 'p.xlarge', 8, 64, 3, { gpu: { model: 'a100', count: 1 } }),
      offer('aws', 'east-1', 'm.large', 2, 8, 0.1),
    ]);
    const a100 = await decide({ ...need, gpu: { count: 1, type: 'a100' } }, {}, [], [withGpu]);
    expect(a100.chosen.instanceType).toBe('p.xlarge');
    const cpu = await decide(need, {}, [], [withGpu]);
    expect(cpu.chosen.instanceType).toBe('m.large');
    const noGpu = createMemoryProvider({ name: 'nogpu', capabilities: { gpu: false } });
    const refused = await decide({ ...need, gpu: { count: 1 } }, {}, [], [noGpu]).catch((e: unknown) => e);
    expect((refused as PlacementRefusedError).explanation).toMatch(/offers no GPUs/);
  });

  it('the spec’s own region and zone are hard constraints', async () => {
    const d = await decide({ ...need, region: 'east-2' });
    expect(d.ranked.every((c) => c.region === 'east-2')).toBe(true);
  });

  it('spot: required by the spec, forbidden by spot: false, allowed by provider defaults', async () => {
    const req = await decide({ ...need, spot: true }, { strategy: 'cost-optimized' });
    expect(req.chosen.spot).toBe(true);
    expect(req.ranked.every((c) => c.spot)).toBe(true);
    expect(req.chosen.spotReason).toBe('the VM asks for spot');
    const forbid = await decide({ ...need, spot: false }, { strategy: 'cost-optimized' });
    expect(forbid.ranked.every((c) => !c.spot)).toBe(true);
    const manager = new FederationManager({ providers: [{ provider: threeClouds()[0]!, defaults: { spotEnabled: true } }] });
    const byDefault = await manager.place(need, { request: { strategy: 'cost-optimized' } });
    expect(byDefault.chosen.spot).toBe(true);
    expect(byDefault.chosen.spotReason).toMatch(/spotEnabled/);
    const off = await decide(need, { strategy: 'cost-optimized' }, [], [threeClouds()[0]!]);
    expect(off.chosen.spot).toBe(false);
  });

  it('instance families from provider defaults', async () => {
    const manager = new FederationManager({ providers: [{ provider: threeClouds()[0]!, defaults: { instanceFamilies: ['c'] } }] });
    const d = await manager.place(need, { request: { strategy: 'cost-optimized' } });
    expect(d.chosen.instanceType).toBe('c.xlarge');
  });
});

describe('placement: policies', () => {
  const residency: Policy = {
    name: 'data-residency',
    priority: 100,
    condition: { type: 'label', key: 'data-residency', value: 'eu' },
    action: { type: 'restrict', areas: ['europe'] },
  };

  it('restrict applies only when its condition holds', async () => {
    const eu = await decide({ ...need, labels: { 'data-residency': 'eu' } }, { strategy: 'cost-optimized' }, [residency]);
    expect(eu.chosen.region).toBe('eu-1');
    expect(eu.policies).toEqual([{ name: 'data-residency', applied: true, action: 'restrict' }]);
    const free = await decide(need, { strategy: 'cost-optimized' }, [residency]);
    expect(free.chosen.region).not.toBe('eu-1');
    expect(free.policies[0]!.applied).toBe(false);
  });

  it('restrict by provider names and by country', async () => {
    const p: Policy = { name: 'us-only', condition: { type: 'always' }, action: { type: 'restrict', providers: ['aws-east'], countries: ['US'] } };
    const d = await decide(need, { strategy: 'cost-optimized' }, [p]);
    expect(d.ranked.every((c) => c.provider === 'aws-east')).toBe(true);
    expect(d.rejected.find((r) => r.provider === 'azure-main')?.reason).toMatch(/policy us-only restricts providers/);
  });

  it('require demands capabilities', async () => {
    const p: Policy = { name: 'needs-vpn', condition: { type: 'workload', value: 'database' }, action: { type: 'require', capabilities: ['vpn'] } };
    const d = await decide({ ...need, labels: { workload: 'database' } }, {}, [p]);
    expect(d.chosen.provider).toBe('gcp-main');
  });

  it('prefer adds its weight to matching candidates and can change the choice', async () => {
    const p: Policy = { name: 'prefer-azure', condition: { type: 'always' }, action: { type: 'prefer', providers: ['azure'], weight: 0.5 } };
    const d = await decide(need, { strategy: 'cost-optimized' }, [p]);
    expect(d.chosen.provider).toBe('azure-main');
    expect(d.chosen.bonuses).toEqual([{ policy: 'prefer-azure', weight: 0.5 }]);
  });

  it('prefer spot-instances for batch workloads allows spot and favours it', async () => {
    const p: Policy = { name: 'cost-optimization', priority: 50, condition: { type: 'workload', value: 'batch' }, action: { type: 'prefer', providers: ['spot-instances'] } };
    const batch = await decide({ ...need, labels: { workload: 'batch' } }, {}, [p]);
    expect(batch.chosen.spot).toBe(true);
    expect(batch.chosen.spotReason).toMatch(/cost-optimization/);
    const web = await decide({ ...need, labels: { workload: 'web' } }, {}, [p]);
    expect(web.ranked.every((c) => !c.spot)).toBe(true);
  });

  it('cost conditions compare the cheapest fitting on-demand price', async () => {
    const p: Policy = { name: 'big-is-spot', condition: { type: 'cost', operator: '>', value: 0.15 }, action: { type: 'prefer', providers: ['spot-instances'] } };
    // 4 vCPU / 8 GiB: the cheapest on-demand fit is c.xlarge at $0.17/h, above 0.15: the policy applies.
    const big = await decide({ ...need, cpu: 4, memory: 8 }, {}, [p], [threeClouds()[0]!]);
    expect(big.policies[0]!.applied).toBe(true);
    // 2 vCPU / 4 GiB: m.large at $0.09/h; it does not.
    const small = await decide(need, {}, [p], [threeClouds()[0]!]);
    expect(small.policies[0]!.applied).toBe(false);
    expect(small.ranked.every((c) => !c.spot)).toBe(true);
    expect(big.ranked.some((c) => c.spot)).toBe(false); // c.xlarge sells no spot, so on-demand it stays
  });

  it('compliance conditions match the compliance label', async () => {
    const p: Policy = { name: 'hipaa', condition: { type: 'compliance', value: 'hipaa' }, action: { type: 'restrict', providers: ['azure'] } };
    const d = await decide({ ...need, labels: { compliance: 'hipaa' } }, {}, [p]);
    expect(d.chosen.provider).toBe('azure-main');
  });

  it('location conditions match the requested area', async () => {
    const p: Policy = { name: 'eu-near', condition: { type: 'location', value: 'europe' }, action: { type: 'restrict', areas: ['europe'] } };
    const d = await decide(need, { constraints: [{ type: 'region', operator: 'near', value: 'eu-1' }] }, [p]);
    expect(d.chosen.region).toBe('eu-1');
  });
});

describe('placement: explanations', () => {
  it('accounts for every provider and region: scored, or rejected with a reason', async () => {
    const d = await decide(need, { constraints: [{ type: 'provider', operator: 'in', values: ['aws', 'azure'] }, { type: 'region', operator: 'notIn', values: ['eu-1'] }] });
    const seen = new Set([...d.ranked.map((c) => `${c.provider}|${c.region}`), ...d.rejected.map((r) => `${r.provider}|${r.region ?? '*'}`)]);
    for (const pair of ['aws-east|east-1', 'aws-east|west-1', 'azure-main|east-2', 'azure-main|eu-1', 'gcp-main|*']) expect(seen.has(pair), pair).toBe(true);
    const text = d.explain();
    for (const name of ['aws-east', 'azure-main', 'gcp-main', 'strategy balanced', 'rejected:']) expect(text).toContain(name);
  });

  it('the fast path skips explanations but chooses the same', async () => {
    const manager = new FederationManager({ providers: threeClouds() });
    const full = await manager.place(need);
    const fast = await manager.place(need, { explain: false });
    expect(fast.chosen).toEqual(full.chosen);
    expect(fast.rejected).toEqual([]);
    expect(fast.explain()).toMatch(/not explained on the fast path/);
  });
});

describe('placement: the specification’s VirtualMachine example', () => {
  // 4 vCPU / 8 GiB on aws or azure, within 10 ms of us-east-1, under $0.10/h. At list prices no
  // on-demand offer of that size qualifies; the decision is deliberate: spot where the provider's
  // defaults enable it (aws-us-east: spotEnabled: true), otherwise a refusal that explains every candidate.
  const factories = (_spotEnabledInYaml: boolean) => ({
    aws: (e: { name: string }) => createMemoryProvider({ name: e.name, kind: 'aws', regions: ['us-east-1'] }),
    azure: (e: { name: string }) => createMemoryProvider({ name: e.name, kind: 'azure', regions: ['westus2', 'eastus'] }),
    gcp: (e: { name: string }) => createMemoryProvider({ name: e.name, kind: 'gcp', regions: ['us-central1'] }),
    openstack: (e: { name: string }) => createMemoryProvider({ name: e.name, kind: 'openstack' }),
  });
  const env = { AZURE_SUBSCRIPTION_ID: 'sub' };

  it('places on aws-us-east spot, because its defaults enable spot', async () => {
    const manager = await FederationManager.fromConfig(FEDERATION_YAML, { env, secrets: () => ({}), providerFactories: factories(true) });
    const d = await manager.place(VIRTUAL_MACHINE_YAML);
    expect(d.chosen.provider).toBe('aws-us-east');
    expect(d.chosen.spot).toBe(true);
    expect(d.chosen.hourlyPrice).toBeLessThan(0.1);
    expect(d.chosen.instanceType.startsWith('t3.')).toBe(true); // defaults.instanceFamily: t3
    expect(d.chosen.spotReason).toMatch(/spotEnabled/);
    // No on-demand offer qualified, and the explanation says why for each.
    expect(d.ranked.every((c) => c.spot)).toBe(true);
    expect(d.rejected.find((r) => r.provider === 'aws-us-east' && r.rule === 'constraint:cost')?.reason).toMatch(/on-demand .* is not < \$0\.1\/h/);
    expect(d.rejected.find((r) => r.provider === 'gcp-central')?.reason).toMatch(/not in \[aws, azure\]/);
    expect(d.rejected.find((r) => r.provider === 'azure-west' && r.region === 'westus2')?.reason).toMatch(/above 10 ms/);
    const eastus = d.rejected.find((r) => r.provider === 'azure-west' && r.region === 'eastus');
    expect(eastus?.reason).toMatch(/is not < \$0\.1\/h/);
  });

  it('refuses with an explanation of every candidate when no provider enables spot', async () => {
    const yaml = FEDERATION_YAML.replace('spotEnabled: true', 'spotEnabled: false');
    const manager = await FederationManager.fromConfig(yaml, { env, secrets: () => ({}), providerFactories: factories(false) });
    const error = await manager.place(VIRTUAL_MACHINE_YAML).catch((e: unknown) => e);
    expect(PlacementRefusedError.isInstance(error)).toBe(true);
    const e = error as PlacementRefusedError;
    for (const p of ['aws-us-east', 'azure-west', 'gcp-central', 'on-prem']) expect(e.explanation).toContain(p);
    expect(e.rejected.length).toBeGreaterThanOrEqual(5);
  });

  it('places nothing when asked to create and refused, and says so', async () => {
    const yaml = FEDERATION_YAML.replace('spotEnabled: true', 'spotEnabled: false');
    const manager = await FederationManager.fromConfig(yaml, { env, secrets: () => ({}), providerFactories: factories(false) });
    await expect(manager.createVM(VIRTUAL_MACHINE_YAML)).rejects.toSatisfy(PlacementRefusedError.isInstance);
    let count = 0;
    for await (const _ of manager.listVMs()) count++;
    expect(count).toBe(0);
  });
});

describe('placement: input', () => {
  it('accepts a VMSpec, a normalized spec, a manifest object or YAML', async () => {
    const manager = new FederationManager({ providers: threeClouds() });
    const a = await manager.place(need);
    const b = await manager.place(parseVMSpec(need));
    const c = await manager.place({
      apiVersion: 'novacron.io/v1alpha1',
      kind: 'VirtualMachine',
      metadata: { name: 'app' },
      spec: { template: { spec: { resources: { cpu: 2, memory: '4Gi' } } } },
    });
    expect(b.chosen).toEqual(a.chosen);
    expect(c.chosen).toEqual(a.chosen);
  });
});

describe('placement: the default carbon model', () => {
  it('ranks by the Cloud Carbon Footprint estimate of each region when no model is given', async () => {
    // Same shape and price in a coal-heavy and a hydro-heavy region of the bundled snapshot.
    const manager = new FederationManager({ providers: [createMemoryProvider({ name: 'gcp', kind: 'gcp', regions: ['us-central1', 'europe-west1', 'asia-east1'] })] });
    const d = await manager.place({ name: 'green', cpu: 2, memory: 8 }, { request: { strategy: 'carbon' } });
    expect(d.chosen.carbonGramsPerHour).toBeGreaterThan(0);
    const taiwan = d.ranked.filter((c) => c.region === 'asia-east1');
    expect(taiwan.length).toBeGreaterThan(0);
    expect(d.chosen.region).not.toBe('asia-east1');
    expect(d.chosen.carbonGramsPerHour!).toBeLessThan(Math.min(...taiwan.map((c) => c.carbonGramsPerHour!)));
  });
});

describe('placement: provider names and cloud kinds stay apart', () => {
  // Two providers of one kind, under different names, selling the same offers in the same regions.
  const twins = () => [
    createMemoryProvider({ name: 'aws-prod', kind: 'aws', regions: ['us-east-1', 'eu-central-1'] }),
    createMemoryProvider({ name: 'aws-dev', kind: 'aws', regions: ['us-east-1', 'eu-central-1'] }),
  ];

  it('candidates name the provider; their offers keep the cloud kind', async () => {
    const manager = new FederationManager({ providers: twins() });
    const d = await manager.place({ name: 'twin', cpu: 2, memory: 8 }, { request: { strategy: 'cost-optimized' } });
    expect(new Set(d.ranked.map((c) => c.provider))).toEqual(new Set(['aws-prod', 'aws-dev']));
    for (const c of d.ranked) {
      expect(c.providerKind).toBe('aws');
      expect(c.offer.provider).toBe('aws');
    }
    // Equal offers tie on price: the provider name breaks the tie.
    expect(d.chosen.provider).toBe('aws-dev');
  });

  it('a constraint or a block on one name leaves the other provider of the kind placeable', async () => {
    const manager = new FederationManager({ providers: twins() });
    const only = await manager.place({ name: 'twin', cpu: 2, memory: 8 }, { request: { constraints: [{ type: 'provider', operator: 'in', values: ['aws-prod'] }] } });
    expect(new Set(only.ranked.map((c) => c.provider))).toEqual(new Set(['aws-prod']));
    expect(only.rejected.find((r) => r.provider === 'aws-dev')?.rule).toBe('constraint:provider');
  });

  it('the default carbon model reads the offer’s kind, for every provider name', async () => {
    const manager = new FederationManager({ providers: twins() });
    const d = await manager.place({ name: 'green', cpu: 2, memory: 8 }, { request: { strategy: 'carbon' } });
    for (const c of d.ranked) {
      expect(c.carbonGramsPerHour).toBeGreaterThan(0);
      expect(c.carbonGramsPerHour).toBe(carbonGramsPerHour(c.offer).gramsPerHour);
    }
    const byName = (name: string) => d.ranked.filter((c) => c.provider === name && c.instanceType === d.chosen.instanceType && c.region === d.chosen.region && c.spot === d.chosen.spot);
    expect(byName('aws-prod')[0]!.carbonGramsPerHour).toBe(byName('aws-dev')[0]!.carbonGramsPerHour);
  });
});
