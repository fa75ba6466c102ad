/**
 * `fromConfig` builds the specification's `on-prem` entry (`type: openstack`, `authUrl:
 * https://openstack.internal:5000/v3`, `projectId: novacron`) with the OpenStack adapter when the
 * host passes no factory for it, loading nothing and calling nothing; pointed at the emulator with
 * its credentials as a secret and a rate card inline, the federation weighs the on-premises rate
 * card against a cloud's prices and creates where it is cheaper.
 */
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryProvider } from '../../../src/index.js';
import { FederationManager } from '../../../src/federation/index.js';
import { OpenStackProvider } from '../../../src/providers/openstack/index.js';
import { startOpenStackEmulator, type OpenStackEmulator } from '../../../src/testing/emulators/index.js';
import { FEDERATION_YAML } from '../../federation/spec-examples.js';
import { rejectionOf } from '../../helpers.js';

let emu: OpenStackEmulator;
beforeAll(async () => {
  emu = await startOpenStackEmulator({ timings: { buildMs: 20 } });
});
afterAll(() => emu?.close());

const others = {
  aws: (e: { name: string }) => createMemoryProvider({ name: e.name, kind: 'aws', regions: ['us-east-1'] }),
  azure: (e: { name: string }) => createMemoryProvider({ name: e.name, kind: 'azure', regions: ['westus2'] }),
  gcp: (e: { name: string }) => createMemoryProvider({ name: e.name, kind: 'gcp', regions: ['us-central1'] }),
};

/** The specification's config, with the on-prem entry pointed at the emulator. */
function configFor(e: OpenStackEmulator, rateCard: Record<string, unknown>): object {
  const doc = parse(FEDERATION_YAML) as { spec: { providers: { name: string; config: Record<string, unknown> }[]; policies: unknown[] } };
  const onPrem = doc.spec.providers.find((p) => p.name === 'on-prem')!;
  const o = e.providerOptions;
  onPrem.config = { ...onPrem.config, authUrl: o.authUrl, region: o.region, ca: o.ca, network: o.network, floatingNetwork: o.floatingNetwork, rateCard, credentials: { secret: 'openstack-credentials' } };
  return doc;
}

const card = (perVcpuHour: number) => ({ perVcpuHour, perGiBHour: 0.001, perVolumeGiBMonth: 0.04, currency: 'USD', source: 'test chargeback', asOf: '2026-12-01' });

describe('fromConfig with type: openstack', () => {
  it('builds on-prem from the specification as written, loading nothing and calling nothing', async () => {
    const manager = await FederationManager.fromConfig(FEDERATION_YAML, { env: { AZURE_SUBSCRIPTION_ID: 'x' }, secrets: () => ({}), providerFactories: others });
    const onPrem = manager.providers.get('on-prem')!;
    expect(onPrem).toBeInstanceOf(OpenStackProvider);
    expect(onPrem.kind).toBe('openstack');
    expect(JSON.parse(JSON.stringify(onPrem))).toEqual({ name: 'on-prem', kind: 'openstack', authUrl: 'https://openstack.internal:5000/v3', region: 'RegionOne' });
    expect(onPrem.regionNames).toEqual(['RegionOne']);
  });

  it('refuses a malformed rate card or credential secret naming the field', async () => {
    const bad = configFor(emu, { perVcpuHour: -1, perGiBHour: 0, currency: 'usd', source: 'x', asOf: 'never' });
    const error = await rejectionOf(FederationManager.fromConfig(bad, { env: { AZURE_SUBSCRIPTION_ID: 'x' }, secrets: () => emu.providerOptions.auth, providerFactories: others }));
    expect(String(error)).toMatch(/spec\.providers\[3\]\.config\.rateCard/);
    const noSecret = await rejectionOf(FederationManager.fromConfig(configFor(emu, card(0.01)), { env: { AZURE_SUBSCRIPTION_ID: 'x' }, secrets: () => ({ token: 'x' }), providerFactories: others }));
    expect(String(noSecret)).toMatch(/config\.credentials/);
  });

  it('places on on-prem when its rate card is cheaper than the cloud, and on the cloud when it is dearer', async () => {
    const request = { strategy: 'cost-optimized' as const, spot: 'forbid' as const, constraints: [{ type: 'provider' as const, operator: 'in' as const, values: ['openstack', 'aws'] }] };
    for (const [perVcpuHour, where] of [
      [0.001, 'on-prem'],
      [5, 'aws-us-east'],
    ] as const) {
      const manager = await FederationManager.fromConfig(configFor(emu, card(perVcpuHour)), {
        env: { AZURE_SUBSCRIPTION_ID: 'x' },
        secrets: (name) => (name === 'openstack-credentials' ? { ...emu.providerOptions.auth } : {}),
        providerFactories: others,
      });
      const decision = await manager.place({ name: 'fed-web', cpu: 2, memory: 4 }, { request });
      expect(decision.chosen.provider, `${perVcpuHour}/vCPU-hour`).toBe(where);
      if (where !== 'on-prem') continue;
      const result = await manager.createVM({ name: 'fed-web', cpu: 2, memory: 4 }, { idempotencyKey: 'fed-web-1', request });
      expect(result.vm).toMatchObject({ provider: 'on-prem', state: 'running', providerKind: 'openstack' });
      expect(result.vm.hourlyPrice?.source).toBe('test chargeback');
      const again = await manager.createVM({ name: 'fed-web', cpu: 2, memory: 4 }, { idempotencyKey: 'fed-web-1', request });
      expect(again.vm.id).toBe(result.vm.id);
      expect(emu.state.servers()).toHaveLength(1);
    }
  });
});
