/**
 * `fromConfig` builds the specification's `azure-west` entry (`type: azure`, `subscription:
 * ${AZURE_SUBSCRIPTION_ID}`) with the Azure adapter when the host passes no factory for it;
 * pointed at the ARM emulator, the federation places and creates a VM there through the real SDKs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryProvider } from '../../../src/index.js';
import { FederationManager } from '../../../src/federation/index.js';
import { AzureProvider } from '../../../src/providers/azure/index.js';
import { startArmEmulator, type ArmEmulator } from '../../../src/testing/emulators/index.js';
import { FEDERATION_YAML } from '../../federation/spec-examples.js';

let emu: ArmEmulator;
beforeAll(async () => {
  emu = await startArmEmulator({ location: 'westus2', locations: ['westus2'], resourceGroup: 'novacron-prod' });
});
afterAll(() => emu?.close());

const others = {
  aws: (e: { name: string }) => createMemoryProvider({ name: e.name, kind: 'aws', regions: ['us-east-1'] }),
  gcp: (e: { name: string }) => createMemoryProvider({ name: e.name, kind: 'gcp', regions: ['us-central1'] }),
  openstack: (e: { name: string }) => createMemoryProvider({ name: e.name, kind: 'openstack' }),
};

/** The specification's config, with the Azure entry pointed at the emulator. */
function yamlFor(e: ArmEmulator): string {
  const o = e.providerOptions;
  const extra = [
    `        endpoint: ${o.endpoint}`,
    `        retailPricesEndpoint: ${o.retailPricesEndpoint}`,
    `        caCertificate: ${JSON.stringify(o.caCertificate)}`,
    `        virtualNetwork: ${o.defaults.virtualNetwork}`,
    `        subnet: ${o.defaults.subnet}`,
    `        networkSecurityGroup: ${o.defaults.networkSecurityGroup}`,
    `        sshPublicKey: ${JSON.stringify(o.defaults.sshPublicKey)}`,
    '        credentials:',
    '          secret: azure-credentials',
  ].join('\n');
  return FEDERATION_YAML.replace('        resourceGroup: novacron-prod\n', `        resourceGroup: novacron-prod\n${extra}\n`);
}

describe('fromConfig with type: azure', () => {
  it('builds azure-west from the specification as written, loading nothing and calling nothing', async () => {
    const manager = await FederationManager.fromConfig(FEDERATION_YAML, { env: { AZURE_SUBSCRIPTION_ID: emu.providerOptions.subscriptionId }, secrets: () => ({}), providerFactories: others });
    const azure = manager.providers.get('azure-west')!;
    expect(azure).toBeInstanceOf(AzureProvider);
    expect(azure.kind).toBe('azure');
    expect(JSON.parse(JSON.stringify(azure))).toEqual({ name: 'azure-west', kind: 'azure', resourceGroup: 'novacron-prod', locations: ['westus2'] });
    expect(emu.stats.count()).toBe(0);
  });

  it('places and creates a VM on azure-west over the emulator, resolving the credential secret', async () => {
    const manager = await FederationManager.fromConfig(yamlFor(emu), {
      env: { AZURE_SUBSCRIPTION_ID: emu.providerOptions.subscriptionId },
      secrets: (name) => (name === 'azure-credentials' ? emu.providerOptions.credential : {}),
      providerFactories: others,
    });
    const request = { strategy: 'cost-optimized' as const, spot: 'forbid' as const, constraints: [{ type: 'provider' as const, operator: 'in' as const, values: ['azure'] }] };
    const result = await manager.createVM({ name: 'fed-web', cpu: 2, memory: 4 }, { idempotencyKey: 'fed-web-1', request });
    expect(result.vm.provider).toBe('azure-west');
    expect(result.vm.state).toBe('running');
    expect(emu.state.virtualMachine(result.vm.id)?.tags?.['novacron:name']).toBe('fed-web');
    const again = await manager.createVM({ name: 'fed-web', cpu: 2, memory: 4 }, { idempotencyKey: 'fed-web-1', request });
    expect(again.vm.id).toBe(result.vm.id);
    expect(emu.stats.count('virtualMachines.createOrUpdate')).toBe(1);
  });
});
