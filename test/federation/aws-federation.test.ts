// The federation over the real AWS adapter (AWS SDK over HTTP) against the local EC2 emulator.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryProvider } from '../../src/index.js';
import { FederationManager } from '../../src/federation/index.js';
import { startEc2Emulator, type Ec2Emulator } from '../../src/testing/emulators/index.js';
import { FEDERATION_YAML, VIRTUAL_MACHINE_YAML } from './spec-examples.js';

let emu: Ec2Emulator;
beforeAll(async () => {
  emu = await startEc2Emulator({ region: 'us-east-1' });
});
afterAll(async () => {
  await emu?.close();
});

function yamlFor(e: Ec2Emulator): string {
  // The specification's config, with the AWS entry pointed at the emulator.
  return FEDERATION_YAML.replace('        region: us-east-1\n', `        region: us-east-1\n        endpoint: ${e.providerOptions.endpoint}\n        pricingEndpoint: ${e.providerOptions.pricingEndpoint}\n        waiter: { minDelaySeconds: 0.02, maxDelaySeconds: 0.2 }\n`);
}

describe('federation over the AWS adapter and the EC2 emulator', () => {
  it('builds aws-us-east with the built-in factory, resolving the credentials secret', async () => {
    const manager = await FederationManager.fromConfig(yamlFor(emu), {
      env: { AZURE_SUBSCRIPTION_ID: 'sub' },
      secrets: (name) => (name === 'aws-credentials' ? emu.providerOptions.credentials : undefined),
      providerFactories: {
        azure: (e) => createMemoryProvider({ name: e.name, kind: 'azure', regions: ['westus2', 'eastus'] }),
        gcp: (e) => createMemoryProvider({ name: e.name, kind: 'gcp', regions: ['us-central1'] }),
        openstack: (e) => createMemoryProvider({ name: e.name, kind: 'openstack' }),
      },
    });
    expect(manager.providers.get('aws-us-east')!.kind).toBe('aws');

    const decision = await manager.place(VIRTUAL_MACHINE_YAML);
    expect(decision.chosen.provider).toBe('aws-us-east');
    expect(decision.chosen.spot).toBe(true);
    expect(decision.chosen.instanceType.startsWith('t3.')).toBe(true);

    const result = await manager.createVM(VIRTUAL_MACHINE_YAML, { idempotencyKey: 'multi-cloud-app-1' });
    expect(result.vm.provider).toBe('aws-us-east');
    expect(result.vm.id).toMatch(/^i-/);
    expect(result.vm.spot).toBe(true);
    expect(result.vm.state).toBe('running');
    const again = await manager.createVM(VIRTUAL_MACHINE_YAML, { idempotencyKey: 'multi-cloud-app-1' });
    expect(again.vm.id).toBe(result.vm.id);
    expect(emu.stats.count('RunInstances')).toBe(1);
  });

  it('fails over from an AWS zone without capacity to the next zone through the real SDK', async () => {
    const manager = await FederationManager.fromConfig(yamlFor(emu), {
      env: { AZURE_SUBSCRIPTION_ID: 'sub' },
      secrets: () => emu.providerOptions.credentials,
      providerFactories: {
        azure: (e) => createMemoryProvider({ name: e.name, kind: 'azure', regions: ['westus2'] }),
        gcp: (e) => createMemoryProvider({ name: e.name, kind: 'gcp', regions: ['us-central1'] }),
        openstack: (e) => createMemoryProvider({ name: e.name, kind: 'openstack' }),
      },
    });
    const spec = { name: 'zonal', cpu: 2, memory: 4, region: 'us-east-1', zone: undefined } as const;
    const first = await manager.place(spec, { request: { strategy: 'cost-optimized', spot: 'forbid', constraints: [{ type: 'provider', operator: 'in', values: ['aws'] }] } });
    const zones = first.ranked.map((c) => c.zone).filter((z): z is string => z !== undefined);
    const crowded = first.chosen.zone ?? 'us-east-1a';
    emu.faults.capacity({ zone: crowded }, 0);
    try {
      const result = await manager.createVM(spec, { request: { strategy: 'cost-optimized', spot: 'forbid', constraints: [{ type: 'provider', operator: 'in', values: ['aws'] }, { type: 'zone', operator: 'in', values: [...new Set([crowded, ...zones, 'us-east-1a', 'us-east-1b', 'us-east-1c'])] }] } });
      expect(result.attempts[0]!.code).toBe('CAPACITY');
      expect(result.vm.zone).not.toBe(crowded);
    } finally {
      emu.faults.capacity({ zone: crowded }, Infinity);
    }
  });
});
