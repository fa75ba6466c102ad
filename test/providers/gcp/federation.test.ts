/**
 * `fromConfig` builds the specification's `gcp-central` entry (`type: gcp`, `project`, `region`,
 * `zone`) with the GCE adapter when the host passes no factory for it; pointed at the Compute
 * Engine emulator, the federation places and creates a VM there through the real client library.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryProvider } from '../../../src/index.js';
import { FederationManager } from '../../../src/federation/index.js';
import { GcpProvider } from '../../../src/providers/gcp/index.js';
import { startGceEmulator, type GceEmulator } from '../../../src/testing/emulators/index.js';
import { FEDERATION_YAML } from '../../federation/spec-examples.js';

let emu: GceEmulator;
beforeAll(async () => {
  emu = await startGceEmulator({ project: 'novacron-prod', operationPendingMs: 5, operationRunningMs: 20 });
});
afterAll(() => emu?.close());

const others = {
  aws: (e: { name: string }) => createMemoryProvider({ name: e.name, kind: 'aws', regions: ['us-east-1'] }),
  azure: (e: { name: string }) => createMemoryProvider({ name: e.name, kind: 'azure', regions: ['westus2'] }),
  openstack: (e: { name: string }) => createMemoryProvider({ name: e.name, kind: 'openstack' }),
};

/** The specification's config, with the GCP entry pointed at the emulator. */
function yamlFor(e: GceEmulator): string {
  const o = e.providerOptions;
  const extra = [
    `        endpoint: ${o.endpoint}`,
    `        billingCatalogEndpoint: ${o.billingCatalogEndpoint}`,
    `        storageEndpoint: ${o.storageEndpoint}`,
    `        exportBucket: ${o.exportBucket}`,
    '        credentials:',
    '          secret: gcp-credentials',
  ].join('\n');
  return FEDERATION_YAML.replace('        zone: us-central1-a\n', `        zone: us-central1-a\n${extra}\n`);
}

describe('fromConfig with type: gcp', () => {
  it('builds gcp-central from the specification as written, loading nothing and calling nothing', async () => {
    const manager = await FederationManager.fromConfig(FEDERATION_YAML, { env: { AZURE_SUBSCRIPTION_ID: 'x' }, secrets: () => ({}), providerFactories: others });
    const gcp = manager.providers.get('gcp-central')!;
    expect(gcp).toBeInstanceOf(GcpProvider);
    expect(gcp.kind).toBe('gcp');
    expect(JSON.parse(JSON.stringify(gcp))).toEqual({ name: 'gcp-central', kind: 'gcp', project: 'novacron-prod', regions: ['us-central1'] });
    expect(String(gcp)).not.toMatch(/token|key/i);
    expect(emu.stats.count()).toBe(0);
  });

  it('places and creates a VM on gcp-central over the emulator, resolving the credential secret to an auth client', async () => {
    const manager = await FederationManager.fromConfig(yamlFor(emu), {
      env: { AZURE_SUBSCRIPTION_ID: 'x' },
      secrets: (name) => (name === 'gcp-credentials' ? emu.providerOptions.authClient : {}),
      providerFactories: others,
    });
    const request = { strategy: 'cost-optimized' as const, spot: 'forbid' as const, constraints: [{ type: 'provider' as const, operator: 'in' as const, values: ['gcp'] }] };
    const result = await manager.createVM({ name: 'fed-web', cpu: 2, memory: 4 }, { idempotencyKey: 'fed-web-1', request });
    expect(result.vm.provider).toBe('gcp-central');
    expect(manager.providers.get('gcp-central')!.capabilities.exportFormats).toEqual(['raw']); // exportBucket reached the adapter
    expect(result.vm.state).toBe('running');
    expect(result.vm.zone).toBe('us-central1-a');
    const again = await manager.createVM({ name: 'fed-web', cpu: 2, memory: 4 }, { idempotencyKey: 'fed-web-1', request });
    expect(again.vm.id).toBe(result.vm.id);
    expect(emu.state.instances().length).toBe(1);
  });
});
